// The CLI's side of the approvals HTTP API (OPSBOT_URL + OPSBOT_API_TOKEN): open a request, then long-poll for its
// decision, so a pipeline holds no Slack or database credentials.
import type { ApprovalRequest, RequestInput } from '../src/approvals/request.js';
import { type CliIo, EXIT } from './io.js';

interface Remote {
  url: string;
  token: string;
}
/** Each long-poll is held this long by the bot; the decision comes back as soon as it is taken. */
const POLL_SECONDS = 25;
const MAX_FAILURES = 5;

async function call(remote: Remote, path: string, init: RequestInit = {}) {
  const res = await fetch(new URL(path, remote.url), {
    ...init,
    headers: { authorization: `Bearer ${remote.token}`, 'content-type': 'application/json', ...init.headers },
  });
  const body = (await res.json().catch(() => ({}))) as { request?: ApprovalRequest; error?: string };
  return { status: res.status, body };
}

const refusal = (status: number, error: string | undefined) =>
  status === 401
    ? "The bot refused OPSBOT_API_TOKEN (401): check it is one of the bot's OPSBOT_API_TOKENS."
    : `The bot answered ${status}: ${error ?? 'no reason given'}`;

export async function remoteRequest(
  remote: Remote,
  input: RequestInput & { emergency: boolean },
  io: CliIo,
): Promise<ApprovalRequest | number> {
  const { status, body } = await call(remote, '/api/approvals', { method: 'POST', body: JSON.stringify(input) }).catch(
    (error: Error) => ({ status: 0, body: { error: error.message } as { request?: ApprovalRequest; error?: string } }),
  );
  if (status === 201 && body.request) return body.request;
  if (status === 0) {
    io.err(`Could not reach the bot at ${new URL(remote.url).origin}: ${body.error}. Nothing was requested.`);
    return EXIT.failed;
  }
  io.err(refusal(status, body.error));
  return status === 400 || status === 401 || status === 422 ? EXIT.usage : EXIT.failed;
}

export async function remoteWait(remote: Remote, id: string, io: CliIo): Promise<ApprovalRequest | number> {
  let failures = 0;
  for (;;) {
    const answer = await call(remote, `/api/approvals/${id}?wait=${POLL_SECONDS}`).catch(() => undefined);
    if (answer?.status === 200 && answer.body.request) {
      failures = 0;
      if (answer.body.request.status !== 'pending') return answer.body.request;
      continue;
    }
    if (answer && answer.status !== 429 && answer.status < 500) {
      io.err(refusal(answer.status, answer.body.error));
      return EXIT.failed;
    }
    failures += 1;
    if (failures >= MAX_FAILURES) {
      io.err(
        `Lost the bot at ${new URL(remote.url).origin} ${MAX_FAILURES} times in a row; request ${id} is still open.`,
      );
      return EXIT.failed;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000 * failures));
  }
}

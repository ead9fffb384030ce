// The CLI's side of the approvals HTTP API (OPSBOT_URL + OPSBOT_API_TOKEN): open a request, then follow its event
// stream (server-sent events) until the decision, so a pipeline holds no Slack or database credentials.
import type { ApprovalRequest, RequestInput } from '../src/approvals/request.js';
import { type CliIo, EXIT } from './io.js';

interface Remote {
  url: string;
  token: string;
}
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

/** Reads one server-sent-events stream; resolves with the decided request, or the HTTP status when refused. */
async function followEvents(
  remote: Remote,
  id: string,
): Promise<{ request?: ApprovalRequest; status: number; error?: string; opened?: boolean }> {
  const res = await fetch(new URL(`/api/approvals/${id}/events`, remote.url), {
    headers: { authorization: `Bearer ${remote.token}`, accept: 'text/event-stream' },
  });
  if (res.status !== 200 || !res.body) {
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    return { status: res.status, error: body.error };
  }
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const lines = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      const event = lines
        .find((l) => l.startsWith('event:'))
        ?.slice(6)
        .trim();
      const data = lines
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trim())
        .join('\n');
      if (event !== 'decision' || !data) continue;
      const request = (JSON.parse(data) as { request?: ApprovalRequest }).request;
      if (request && request.status !== 'pending') return { request, status: 200 };
    }
  }
  // The stream ended without a decision (a proxy cut it, or the bot stopped): the caller follows it again.
  return { status: 503, error: 'the event stream ended before the decision', opened: true };
}

/**
 * Follows the request's event stream until it is decided: the decision arrives as it is taken. A dropped stream is
 * followed again (the bot may have restarted behind a load balancer); five failures in a row give up.
 */
export async function remoteWait(remote: Remote, id: string, io: CliIo): Promise<ApprovalRequest | number> {
  let failures = 0;
  for (;;) {
    const answer = await followEvents(remote, id).catch(
      (error: Error) =>
        ({ status: 0, error: error.message }) as { request?: ApprovalRequest; status: number; error?: string },
    );
    if (answer.request) return answer.request;
    if (answer.status !== 0 && answer.status !== 429 && answer.status < 500) {
      io.err(refusal(answer.status, answer.error));
      return EXIT.failed;
    }
    // A stream that was open and then cut is not a failure in a row: long waits outlive proxies' idle limits.
    failures = 'opened' in answer && answer.opened ? 1 : failures + 1;
    if (failures >= MAX_FAILURES) {
      io.err(
        `Lost the bot at ${new URL(remote.url).origin} ${MAX_FAILURES} times in a row; request ${id} is still open.`,
      );
      return EXIT.failed;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000 * failures));
  }
}

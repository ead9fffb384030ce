// POST /github/events: the GitHub App's webhook. A signed deployment_protection_rule delivery becomes an approval
// request; a delivery id seen before is answered 200 and changes nothing (GitHub's Redeliver reuses it).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { requestInput } from '../approvals/request.js';
import { firstDelivery } from '../approvals/store.js';
import type { Deps } from '../deps.js';
import { isSignedByGithub } from '../github/app.js';
import { openRequest } from '../publish/approvals.js';
import { json, readText } from './api-auth.js';
import { answerUnread, MAX_BODY_BYTES } from './server.js';

const ProtectionRule = z.object({
  action: z.string(),
  environment: z.string(),
  deployment_callback_url: z.string().regex(/\/actions\/runs\/\d+\/deployment_protection_rule$/),
  deployment: z.object({
    ref: z.string(),
    sha: z.string(),
    description: z.string().nullish(),
    creator: z.object({ login: z.string() }),
  }),
  repository: z.object({ name: z.string(), owner: z.object({ login: z.string() }) }),
  installation: z.object({ id: z.number().int() }),
});

export function githubEventRoutes(deps: Deps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if ((req.url ?? '/').split('?')[0] !== '/github/events') return false;
    if (req.method !== 'POST') return json(res, 405, { error: 'use POST' });
    const secret = deps.config.githubApp.webhookSecret;
    if (!secret) return json(res, 404, { error: 'GITHUB_WEBHOOK_SECRET is not set' });
    const deny = (reason: string) =>
      deps.audit.append({ action: 'github.deny', actor: { user: 'github' }, params: { reason }, outcome: 'denied' });
    const signature = req.headers['x-hub-signature-256'];
    // Unsigned: refused before the body is read, as on /slack/events.
    if (typeof signature !== 'string') {
      await deny('unsigned delivery');
      answerUnread(res, 401, { error: 'unsigned delivery: X-Hub-Signature-256 is missing' });
      return true;
    }
    const raw = await readText(req, MAX_BODY_BYTES);
    if (raw === undefined) return json(res, 413, { error: 'the body is over 1 MiB' });
    if (!(await isSignedByGithub(secret, raw, signature))) {
      await deny('bad signature');
      return json(res, 401, { error: 'bad signature' });
    }
    const delivery = String(req.headers['x-github-delivery'] ?? '');
    const event = String(req.headers['x-github-event'] ?? '');
    if (!delivery) return json(res, 400, { error: 'X-GitHub-Delivery is missing' });
    if (!(await firstDelivery(deps.db, delivery, event, deps.now()))) {
      deps.log.info({ delivery, event }, 'github delivery already handled');
      return json(res, 200, { ok: true, duplicate: true });
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return json(res, 400, { error: 'the body is not JSON' });
    }
    if (event !== 'deployment_protection_rule') return json(res, 200, { ok: true, ignored: event });
    const payload = ProtectionRule.safeParse(body);
    if (!payload.success || payload.data.action !== 'requested') {
      deps.log.warn({ delivery }, 'deployment_protection_rule delivery not understood');
      return json(res, 200, { ok: true, ignored: 'not a requested protection rule' });
    }
    const p = payload.data;
    const runId = Number(/\/actions\/runs\/(\d+)\//.exec(p.deployment_callback_url)![1]);
    const input = requestInput(deps.config.environments.map((e) => e.name)).safeParse({
      env: p.environment,
      ref: p.deployment.ref,
      sha: p.deployment.sha,
      title: p.deployment.description || `${p.repository.owner.login}/${p.repository.name} ${p.deployment.ref}`,
      requestedBy: p.deployment.creator.login,
      timeoutSeconds: deps.config.approvals.defaultTimeoutMinutes * 60,
    });
    if (!input.success) {
      const problem = input.error.issues.map((i) => i.message).join(' ');
      await deps.audit.append({
        action: 'approval.request',
        actor: { user: 'github' },
        params: { delivery, problem },
        outcome: 'refused',
      });
      return json(res, 200, { ok: false, problem });
    }
    const github = {
      owner: p.repository.owner.login,
      repo: p.repository.name,
      runId,
      installationId: p.installation.id,
      environment: p.environment,
      deliveryId: delivery,
    };
    const outcome = await openRequest(deps, input.data, {
      actor: { user: 'github' },
      trigger: 'webhook',
      source: 'github',
      github,
    });
    json(
      res,
      200,
      outcome.outcome === 'done' ? { ok: true, request: outcome.report.id } : { ok: false, outcome: outcome.outcome },
    );
    return true;
  };
}

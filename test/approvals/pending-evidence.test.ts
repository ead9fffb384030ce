// What is left to decide and what was decided: `/approvals` lists the deploys waiting for the caller; an emergency
// deploy takes its retrospective approval with the same buttons; the quarter's evidence (Slack and CLI) lists every
// request with its checklist, approvers, rejection reasons, exemptions and emergencies, with sha256s.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../cli/main.js';
import type { Bot } from '../support/bot.js';
import { startBot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import { textOf } from '../support/slack-fake.js';
import { API_TOKEN, approvalsEnv, audits, clickApprove, PEOPLE, replyAfter, SHA } from './helpers.js';

const HOSTILE = 'Broke it <b>bold</b> @here [click](https://evil.example) | cell';

describeWithPostgres('pending requests, retrospective approvals and the evidence', () => {
  let bot: Bot;
  let clock = new Date('2026-08-14T09:00:00Z');
  const ids: Record<string, string> = {};
  const open = async (name: string, body: Record<string, unknown> = {}) => {
    const res = await fetch(`${bot.url}/api/approvals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        env: 'production',
        ref: name,
        sha: SHA,
        title: `Release ${name}`,
        requestedBy: 'octocat',
        checklist: [
          { name: 'tests', state: 'passed' },
          { name: 'scans', state: 'passed' },
        ],
        timeoutSeconds: 86_400,
        ...body,
      }),
    });
    expect(res.status).toBe(201);
    ids[name] = ((await res.json()) as { request: { id: string } }).request.id;
    return ids[name]!;
  };
  const reply = async (user: string, text = '') => {
    const before = bot.slack.callsOf('response_url').length;
    const answer = await bot.slash('/approvals', text, { user, channel: 'C_DEPLOY' });
    expect(answer.status).toBe(200);
    return replyAfter(bot, before);
  };
  const click = async (user: string, id: string) => {
    const before = bot.slack.callsOf('response_url').length;
    await clickApprove(bot, user, id);
    return replyAfter(bot, before);
  };
  const cliEvidence = async (quarter: string, dir: string) => {
    let out = '';
    const code = await runCli(['approval', 'evidence', quarter, '--out', dir], {
      env: { DATABASE_URL: bot.databaseUrl!, ENVIRONMENTS: 'staging,production', LOG_LEVEL: 'warn' },
      out: (t) => {
        out += t;
      },
      err: (t) => {
        out += t;
      },
    });
    return { code, out };
  };

  beforeAll(async () => {
    bot = await startBot({ now: () => clock, env: approvalsEnv({ OPSBOT_REVIEWERS: PEOPLE.eve }) });
    // Last quarter: outside 2026-Q3's evidence.
    clock = new Date('2026-06-30T10:00:00Z');
    await open('v0.9.0');
    clock = new Date('2026-08-14T09:00:00Z');
    await open('v1.0.0');
    await open('v1.1.0');
    await open('v1.2.0', { checklist: [{ name: 'migrations', state: 'failed' }], exemption: 'Migration is a no-op' });
    await open('hotfix-1', { emergency: true, exemption: 'Payments are down' });
  });
  afterAll(() => bot?.stop());

  it('lists for each approver the requests still waiting for them, and none for others', async () => {
    expect(await click(PEOPLE.ann, ids['v1.1.0']!)).toBe('Approval recorded: 1 of 2.');
    const bob = await reply(PEOPLE.bob);
    expect(bob).toContain('3 deploys waiting for your approval');
    for (const ref of ['v1.0.0', 'v1.1.0', 'v1.2.0']) expect(bob).toContain(`production ${ref}`);
    // Past its expiry, even before the sweep has marked it: nothing to wait for.
    expect(bob).not.toContain('v0.9.0');
    expect(bob).not.toContain('hotfix-1');
    expect(bob).toMatch(/v1\.1\.0.*· 1 of 2 ·/);
    const ann = await reply(PEOPLE.ann);
    expect(ann).toContain('2 deploys waiting for your approval');
    expect(ann).not.toContain('v1.1.0');
    expect(ann).not.toContain('1 of 2');
    // The requester (octocat = U0REQ) is an approver, but never of their own requests; Eve is not an approver.
    expect(await reply(PEOPLE.requester)).toBe('No deploy is waiting for your approval.');
    expect(await reply(PEOPLE.eve)).toBe('No deploy is waiting for your approval.');
  });

  it('takes a retrospective approval of an emergency deploy from two approvers, never the requester', async () => {
    const id = ids['hotfix-1']!;
    expect(await click(PEOPLE.requester, id)).toContain('You asked for the deploy of');
    expect(await click(PEOPLE.ann, id)).toBe('Approval recorded: 1 of 2.');
    expect(await click(PEOPLE.ann, id)).toContain('You already approved');
    clock = new Date('2026-08-14T11:00:00Z');
    expect(await click(PEOPLE.bob, id)).toBe('Retrospective approval recorded.');
    const [row] = await bot.db.query(
      'select status, retro_approved_by, retro_approved_at from approval_requests where id = $1',
      [id],
    );
    expect(row).toEqual({
      status: 'approved',
      retro_approved_by: `${PEOPLE.ann},${PEOPLE.bob}`,
      retro_approved_at: new Date('2026-08-14T11:00:00Z'),
    });
    const update = bot.slack.callsOf('chat.update').at(-1)!;
    expect(textOf(update.args.blocks)).toContain('Emergency deploy, approved after the fact');
    expect(JSON.stringify(update.args.blocks)).not.toContain('approvals.approve');
    expect(
      (await audits(bot, 'approval.approve')).filter((a) => a.params.requestId === id).map((a) => a.outcome),
    ).toEqual(['refused: excluded', 'vote', 'refused: repeat', 'retro-approved']);
    expect(await click(PEOPLE.requester, id)).toContain('already');
  });

  it('uploads the quarter evidence to a reviewer: every request, rejections with reasons, exemptions, emergencies', async () => {
    await bot.action({ actionId: 'approvals.reject', value: ids['v1.0.0']!, user: PEOPLE.bob, channel: 'C_DEPLOY' });
    const [opened] = await bot.slack.waitFor('views.open', 1);
    await bot.submitView({
      callbackId: 'approvals.reject-modal',
      values: { reason: HOSTILE },
      user: PEOPLE.bob,
      privateMetadata: String(opened!.args.view.private_metadata),
    });
    await bot.slack.waitFor('chat.postEphemeral', 1);
    const summary = await reply(PEOPLE.eve, 'evidence 2026-Q3');
    expect(summary).toContain(
      'Evidence 2026-Q3: 4 requests, 0 approved, 1 rejected, 0 expired, 1 emergency deploys (0 need a retrospective approval).',
    );
    const files = bot.slack.files.filter((f) => f.filename.startsWith('approvals_2026-Q3'));
    expect(files.map((f) => f.filename).sort()).toEqual([
      'approvals_2026-Q3.csv',
      'approvals_2026-Q3.json',
      'approvals_2026-Q3.md',
    ]);
    const file = (ext: string) => files.find((f) => f.filename.endsWith(ext))!.content;
    const json = JSON.parse(file('.json')) as { requests: { ref: string; checklist: unknown[]; status: string }[] };
    expect(json.requests.map((r) => r.ref).sort()).toEqual(['hotfix-1', 'v1.0.0', 'v1.1.0', 'v1.2.0']);
    expect(json.requests.find((r) => r.ref === 'v1.2.0')!.checklist).toEqual([{ name: 'migrations', state: 'failed' }]);
    const csv = file('.csv');
    expect(csv).toContain('Migration is a no-op');
    expect(csv).toContain('Payments are down');
    expect(csv).toContain(`${PEOPLE.ann},${PEOPLE.bob}`);
    const md = file('.md');
    expect(md).toContain(`rejected by ${PEOPLE.bob}: Broke it &lt;b&gt;bold&lt;/b&gt;`);
    expect(md).not.toContain('<b>');
    expect(md).not.toContain('[click](');
    expect(md).toContain('\\| cell');
    expect(md).toContain('emergency, approved after the fact 2026-08-14T11:00:00');
    expect(md).toContain('exemption: Migration is a no-op');
    expect(md).toContain('migrations failed');
    expect(md).not.toContain('v0.9.0');
    const [event] = await audits(bot, 'approval.evidence');
    const sums = (event!.params.files as { name: string; sha256: string }[]).map((f) => [f.name, f.sha256]);
    expect(sums.sort()).toEqual(
      files.map((f) => [f.filename, createHash('sha256').update(f.content).digest('hex')]).sort(),
    );
  });

  it('refuses the evidence to someone without the reviewer role, and audits it', async () => {
    const uploads = bot.slack.files.length;
    expect(await reply(PEOPLE.ann, 'evidence 2026-Q3')).toContain('needs the reviewer role');
    expect(bot.slack.files.length).toBe(uploads);
    expect((await audits(bot, 'auth.deny')).at(-1)).toMatchObject({ actor: PEOPLE.ann, outcome: 'denied' });
    const bad = await bot.slash('/approvals', 'evidence 2026-Q5', { user: PEOPLE.eve, channel: 'C_DEPLOY' });
    expect(JSON.stringify(bad.body)).toContain('Usage:');
    expect(bot.slack.files.length).toBe(uploads);
  });

  it('writes the evidence with SHA256SUMS from the CLI, exit 1 while an emergency lacks its approval', async () => {
    clock = new Date('2026-08-20T09:00:00Z');
    await open('hotfix-2', { emergency: true, exemption: 'Disk full' });
    const dir = await mkdtemp(join(tmpdir(), 'approvals-evidence-'));
    const first = await cliEvidence('2026-Q3', dir);
    expect(first.out).toContain('2 emergency deploys (1 without a retrospective approval)');
    expect(first.code).toBe(1);
    expect(await readFile(join(dir, 'approvals_2026-Q3.md'), 'utf8')).toContain(
      '**emergency: retrospective approval needed**',
    );
    const sums = (await readFile(join(dir, 'SHA256SUMS'), 'utf8')).trim().split('\n');
    expect(sums).toHaveLength(3);
    for (const line of sums) {
      const [sum, name] = line.split(/\s+/);
      const content = await readFile(join(dir, name!));
      expect(createHash('sha256').update(content).digest('hex')).toBe(sum);
    }
    await click(PEOPLE.ann, ids['hotfix-2']!);
    expect(await click(PEOPLE.bob, ids['hotfix-2']!)).toBe('Retrospective approval recorded.');
    const second = await cliEvidence('2026-Q3', dir);
    expect(second.out).toContain('(0 without a retrospective approval)');
    expect(second.code).toBe(0);
  });
});

// /access-review run: the review thread with counts, changes, anomalies, the CSV and JSON files, and the GitHub issue.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithPostgres } from '../support/infra.js';
import { textOf } from '../support/slack-fake.js';
import {
  csvRows,
  fileNamed,
  REVIEWERS,
  type ReviewSetup,
  startReviewSetup,
  waitForReply,
  waitForReview,
} from './fixtures.js';

describeWithPostgres('the access review thread', () => {
  let setup: ReviewSetup;
  beforeAll(async () => {
    setup = await startReviewSetup();
  });
  afterAll(() => setup?.stop());

  it('posts counts per section, the anomalies, and the CSV and JSON in the thread', async () => {
    const { bot, github } = setup;
    expect((await bot.slash('/access-review', 'run', { user: REVIEWERS.requester })).status).toBe(200);
    const { post, files } = await waitForReview(bot, 1);
    const text = textOf(post.args.blocks);
    expect(text).toContain('*app_user*: 3 users (1 admins)');
    expect(text).toContain('*tenant_setting*: 3 tenants (1 with autopost on, 1 below the minimum threshold)');
    expect(text).toContain('3 members (1 admins), 1 outside collaborators; 0 without 2FA; org requires 2FA');
    expect(text).toContain('First review');
    expect(text).toContain('tenant `beta` has autopost_enabled = true');
    expect(text).toContain('tenant `gamma` has threshold 0.85, below 0.90');

    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    const csv = fileNamed(files, new RegExp(`^access_snapshot_${day}\\.csv$`));
    const json = fileNamed(files, new RegExp(`^access_snapshot_${day}\\.json$`));
    expect(csv && json).toBeTruthy();
    const rows = csvRows(csv!.content);
    expect(rows.filter((r) => r.section === 'app_user').map((r) => r.name)).toEqual([
      'ana@acme.test',
      'bo@acme.test',
      'cy@beta.test',
    ]);
    expect(rows.filter((r) => r.section === 'tenant_setting')).toHaveLength(3);
    expect(rows.filter((r) => r.section === 'github_member').map((r) => `${r.id}:${r.role}`)).toEqual([
      'contractor:outside_collaborator',
      'dev-one:member',
      'dev-two:member',
      'octo-admin:admin',
    ]);
    expect(rows.find((r) => r.id === 't3')?.anomaly).toContain('threshold 0.85');
    expect(JSON.parse(json!.content).sections.app_user.entries).toHaveLength(3);

    const [issue] = github.issuesOf('acme/compliance');
    expect(issue?.title).toBe(`Weekly Access Review - ${new Date().toISOString().slice(0, 10)}`);
    expect(issue?.state).toBe('open');
    expect(issue?.body).toContain('tenant `beta` has autopost_enabled = true');
    expect(text).toContain(issue!.html_url);
    const [stored] = await bot.db.query<{ requested_by: string; csv_sha256: string }>(
      'select requested_by, csv_sha256 from access_reviews',
    );
    expect(stored?.requested_by).toBe(REVIEWERS.requester);
    expect(text).toContain(stored!.csv_sha256.slice(0, 12));
  });

  it('shows exactly a role change and a new GitHub member on the next run', async () => {
    const { bot, app, github } = setup;
    await app.query("update users set role = 'admin' where email = 'bo@acme.test'");
    github.members.push({ login: 'newbie', role: 'member', twoFactor: true });
    await bot.slash('/access-review', 'run', { user: REVIEWERS.reviewer });
    const { post } = await waitForReview(bot, 2);
    const text = textOf(post.args.blocks);
    expect(text).toContain('*Changes since');
    expect(text).toContain('(2)');
    expect(text).toContain('✏️ user `bo@acme.test`: role `viewer` → `admin`');
    expect(text).toContain('➕ GitHub `newbie` added (member, 2FA enabled)');
    expect(text).toContain('App admins (admin/owner) changed: 1 → 2');
    const [latest] = await bot.db.query<{ diff: { changes: { key: string }[] } }>(
      'select diff from access_reviews order by taken_at desc limit 1',
    );
    expect(latest?.diff.changes.map((c) => c.key)).toEqual(['u2', 'newbie']);
  });

  it('answers the person who ran it with a link to the thread', async () => {
    const reply = await waitForReply(setup.bot, 0, /posted/);
    expect(reply).toMatch(
      /^Access review `ar_\w+` posted: <https:\/\/slack\.test\/archives\/C_REVIEW\/p\d+\|open the thread> — 2 anomalies, 0 changes\.$/,
    );
    await waitForReply(setup.bot, 0, /3 anomalies, 2 changes/);
  });

  it('shows the last review and its decision to anyone with latest', async () => {
    const { bot } = setup;
    const before = bot.slack.callsOf('response_url').length;
    await bot.slash('/access-review', 'latest', { user: REVIEWERS.nobody });
    const reply = await waitForReply(bot, before, /Weekly Access Review/);
    expect(reply).toContain('2 changes, 3 anomalies');
    expect(reply).toContain('Undecided: waiting for a reviewer');
  });

  it('refuses run to someone without the reviewer role and audits it', async () => {
    const { bot } = setup;
    const before = bot.slack.callsOf('response_url').length;
    await bot.slash('/access-review', 'run', { user: REVIEWERS.nobody });
    const reply = await waitForReply(bot, before, /role/);
    expect(reply).toBe('`/access-review run` needs a reviewer role; ask an admin to add you to OPSBOT_REVIEWERS.');
    const denied = await bot.db.query<{ params: { what: string } }>(
      "select params from audit_events where action = 'auth.deny' and actor = $1",
      [REVIEWERS.nobody],
    );
    expect(denied.map((d) => d.params.what)).toEqual(['/access-review run']);
    expect(await bot.db.query('select id from access_reviews')).toHaveLength(2);
  });

  it('answers unknown subcommands and bad quarters with the usage, changing nothing', async () => {
    const { bot } = setup;
    const unknown = await bot.slash('/access-review', 'approve', { user: REVIEWERS.reviewer });
    expect(unknown.body.text).toContain('`approve` is not something `/access-review` does.');
    expect(unknown.body.text).toContain('/access-review evidence <YYYY-Qn>');
    const quarter = await bot.slash('/access-review', 'evidence 2026-Q5', { user: REVIEWERS.reviewer });
    expect(quarter.body.text).toContain('`2026-Q5` is not a quarter. Use YYYY-Qn, e.g. `2026-Q3`.');
    expect(await bot.db.query('select id from access_reviews')).toHaveLength(2);
  });
});

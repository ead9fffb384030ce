// Issue 11's hostile corpus through the real interfaces: a service answering it (the /smoke result, the alert in
// Slack and its email), an app database and GitHub org holding it (the access-review thread and GitHub issue).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smokeJob } from '../../jobs/smoke.js';
import { runJob } from '../../src/scheduler.js';
import { REVIEWERS, type ReviewSetup, startReviewSetup, waitForReview } from '../access/fixtures.js';
import { type Bot, startBot } from '../support/bot.js';
import { type FakeApp, healthyRoutes, startFakeApp } from '../support/fake-app.js';
import { csvFormulas, githubProblems, HOSTILE, HUGE, slackProblems } from '../support/hostile.js';
import { describeWithPostgres } from '../support/infra.js';
import { textOf } from '../support/slack-fake.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp.js';

const short = HOSTILE.filter((text) => text !== HUGE);

describe('a service answering hostile text', () => {
  let app: FakeApp;
  let smtp: SmtpSink;
  let bot: Bot;
  beforeAll(async () => {
    app = await startFakeApp(healthyRoutes());
    smtp = await startSmtpSink();
    bot = await startBot({
      env: {
        ENVIRONMENTS: 'staging',
        STAGING_BASE_URL: app.url,
        ALERT_LINKS: 'Logs=https://logs.example.com/staging',
        ALERT_EMAIL: 'ops@example.com',
        SMTP_FROM: 'opsbot@example.com',
        ...smtp.env(),
      },
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await Promise.all([app?.stop(), smtp?.stop()]);
  });

  it.each(HOSTILE.map((text, i) => [i, text.slice(0, 40), text] as const))(
    '/smoke shows body %i (%s) escaped: no mention, no link, within Block Kit limits',
    async (i, _label, body) => {
      app.set('/healthz', { status: 200, body, headers: { 'content-type': 'text/plain' } });
      expect((await bot.slash('/smoke', 'staging', { user: `U_ASKER${i}`, channel: 'C_OPS' })).status).toBe(200);
      const posts = await bot.slack.waitFor('chat.postMessage', i + 1, 15_000);
      const post = posts[i]!;
      expect(slackProblems(post.args)).toEqual([]);
      const text = textOf(post.args.blocks);
      expect(text).toContain('❌ `/healthz` 200');
      if (body.includes('<!channel>')) expect(text).toContain('&lt;!channel&gt;');
    },
  );

  it('the alert message and its email show the corpus escaped in Slack and literally in the mail', async () => {
    app.set('/healthz', { json: { status: 'ok' } });
    app.set('/readyz', { status: 200, body: short.join(' | '), headers: { 'content-type': 'text/plain' } });
    await runJob(smokeJob, bot.deps);
    await runJob(smokeJob, bot.deps);
    const [alert] = bot.slack.callsOf('chat.postMessage').filter((c) => /smoke test failed/.test(c.args.text));
    expect(alert).toBeDefined();
    expect(slackProblems(alert!.args)).toEqual([]);
    expect(textOf(alert!.args.blocks)).toContain(
      'not JSON: &lt;!channel&gt; down? see &lt;https://evil.example/login|the status page&gt; &amp; retry',
    );
    expect(textOf(alert!.args.blocks)).toContain('<https://logs.example.com/staging|Logs>');
    const [mail] = await smtp.waitFor(1);
    expect(mail!.text).toContain('<!channel> down? see <https://evil.example/login|the status page> & retry');
    expect(mail!.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });
});

describeWithPostgres('an app database and GitHub org holding hostile text', () => {
  let setup: ReviewSetup;
  beforeAll(async () => {
    setup = await startReviewSetup({
      github: {
        members: [
          { login: 'octo-admin', role: 'admin', twoFactor: true },
          { login: '@org/team <img src=x>[y](https://x)', role: 'member', twoFactor: false },
        ],
      },
    });
    let n = 0;
    for (const text of HOSTILE.filter((t) => !/[\uD800-\uDFFF]/.test(t))) {
      n += 1;
      await setup.app.query('insert into tenants (id, name, autopost_enabled) values ($1, $2, true)', [`h${n}`, text]);
      await setup.app.query('insert into users (id, tenant_id, email, role) values ($1, $2, $3, $4)', [
        `hu${n}`,
        `h${n}`,
        `${text}${n}`,
        text.slice(0, 200),
      ]);
    }
  });
  afterAll(() => setup?.stop());

  it('the review thread, its CSV and the GitHub issue body form no mention, link, HTML or formula', async () => {
    const { bot, github } = setup;
    expect((await bot.slash('/access-review', 'run', { user: REVIEWERS.requester })).status).toBe(200);
    const { post, files } = await waitForReview(bot, 1);
    expect(slackProblems(post.args)).toEqual([]);
    expect(textOf(post.args.blocks)).toContain('&lt;!here&gt;');
    for (const file of files.filter((f) => f.filename.endsWith('.csv'))) expect(csvFormulas(file.content)).toEqual([]);
    const [issue] = github.issuesOf('acme/compliance');
    expect(issue?.body).toContain('`<!here>2` has role `<!here>`');
    expect(githubProblems(issue!.body)).toEqual([]);
  });
});

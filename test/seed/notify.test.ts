// Step 3's test email goes out only after the seed has committed: a seed that fails in step 4 or 5 rolls back and
// sends no mail, and the log says step 3 ran last.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Bot, startBot } from '../support/bot.js';
import { mailFault, poolFault, SEED_SQL } from '../support/faults.js';
import { describeWithPostgres } from '../support/infra.js';
import { textOf } from '../support/slack-fake.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp.js';
import { createTarget, fingerprint, OPERATOR, submitSeed } from './helpers.js';

describeWithPostgres('the test email of a seed', () => {
  let bot: Bot;
  let smtp: SmtpSink;
  let target: Awaited<ReturnType<typeof createTarget>>;
  let failAt: number | undefined;
  let runs = 0;
  beforeAll(async () => {
    [target, smtp] = await Promise.all([createTarget('notify'), startSmtpSink()]);
    bot = await startBot({
      env: {
        ENVIRONMENTS: 'staging',
        STAGING_DATABASE_URL: target.urlWithPassword,
        OPSBOT_OPERATORS: OPERATOR,
        ...smtp.env(),
        ALERT_EMAIL: 'ops@example.com',
      },
      wrap: {
        targets: poolFault((sql) => {
          const step = SEED_SQL.step4(sql) ? 4 : SEED_SQL.step5(sql) ? 5 : undefined;
          if (step !== undefined && step === failAt) throw new Error(`injected: step ${failAt} broke`);
        }),
        mail: mailFault(() => {
          if (failAt === 3) throw new Error('injected: step 3 broke');
        }),
      },
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await smtp?.stop();
    await target?.drop();
  });

  /** Seeds through the modal and waits for the run's evidence, by which time step 3 has run or never will. */
  const seed = async () => {
    runs += 1;
    await submitSeed(bot);
    await bot.slack.waitFor('files.completeUploadExternal', runs, 60_000);
    const final = bot.slack.callsOf('chat.update').at(-1)!;
    const log = bot.slack.files.filter((f) => f.filename === 'seed_log.txt').at(-1)!.content;
    return { text: textOf(final.args.blocks, final.args.text), log };
  };

  it.each([4, 5])('sends no test email when step %i fails, and the target is left as it was', async (step) => {
    failAt = step;
    const before = await fingerprint(target);
    const { text, log } = await seed();
    expect(text).toContain(`failed at step ${step}`);
    expect(text).toContain('3. Notifications — not run');
    expect(log).toContain('Nothing was written: the transaction was rolled back.');
    expect(log).not.toContain('Test email sent');
    expect(await fingerprint(target)).toEqual(before);
    expect(smtp.mails).toEqual([]);
  });

  it('sends one test email once the seed has committed, and logs step 3 after step 5', async () => {
    failAt = undefined;
    const { text, log } = await seed();
    expect(text).toContain('Seeded 3 pilot tenants into staging');
    expect(text).toContain('3. Notifications — test email sent to ops@example.com');
    const [mail] = await smtp.waitFor(1, 10_000);
    expect(mail?.subject).toContain('seed pilots test email');
    expect(smtp.mails).toHaveLength(1);
    const order = ['Step 1:', 'Step 2:', 'Step 4:', 'Step 5:', 'Committed', 'Step 3:', 'SEED COMPLETE'];
    const at = order.map((marker) => log.indexOf(marker));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('keeps a committed seed when step 3 itself breaks, and says the data is in', async () => {
    failAt = 3;
    const { text, log } = await seed();
    expect(text).toContain('Seeded 3 pilot tenants into staging');
    expect(text).toContain('3. Notifications — test email failed: injected: step 3 broke; the seed is committed');
    expect(log).toContain('injected: step 3 broke');
    expect(log).not.toContain('rolled back');
    expect(smtp.mails).toHaveLength(1);
  });
});

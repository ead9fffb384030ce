// Two submissions at the same moment: one seeds, the other is told who is seeding and since when; counts are one run's.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Bot, startBot } from '../support/bot.js';
import { poolFault, SEED_SQL } from '../support/faults.js';
import { describeWithPostgres } from '../support/infra.js';
import { countsOf, createTarget, ONE_RUN, PILOT_TABLES, submitSeed } from './helpers.js';

describeWithPostgres('two seeds of one environment at once', () => {
  let bot: Bot;
  let target: Awaited<ReturnType<typeof createTarget>>;
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  beforeAll(async () => {
    target = await createTarget();
    bot = await startBot({
      env: { ENVIRONMENTS: 'staging', STAGING_DATABASE_URL: target.urlWithPassword, OPSBOT_OPERATORS: 'U_ANA,U_BEN' },
      // Holds the winner inside step 2 until the loser has been answered, so "at the same moment" is certain.
      wrap: { targets: poolFault((sql) => (SEED_SQL.step2Data(sql) ? gate : undefined)) },
    });
  });
  afterAll(async () => {
    release();
    await bot?.stop();
    await target?.drop();
  });

  it('seeds once and tells the second requester it is already running, by whom and since when', async () => {
    const answers = await Promise.all([submitSeed(bot, {}, 'U_ANA'), submitSeed(bot, {}, 'U_BEN')]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const [busy] = await bot.slack.waitFor('chat.postEphemeral', 1, 30_000);
    expect(busy!.args.text).toMatch(
      /^Seeding of `staging` is already running: started by <@U_(ANA|BEN)> at <!date\^\d+\^\{time\}\|\d\d:\d\d UTC>\./,
    );
    const winner = busy!.args.text.includes('U_ANA') ? 'U_ANA' : 'U_BEN';
    expect(busy!.args.user).toBe(winner === 'U_ANA' ? 'U_BEN' : 'U_ANA');
    release();
    await bot.slack.waitFor('files.completeUploadExternal', 1, 60_000);
    expect(await countsOf(target, PILOT_TABLES)).toEqual(ONE_RUN);
    expect(await bot.db.query("select actor, status from runs where kind = 'seed'")).toEqual([
      { actor: winner, status: 'passed' },
    ]);
    expect(await bot.db.query("select outcome from audit_events where action = 'seed.refuse'")).toEqual([
      { outcome: 'busy' },
    ]);
  });
});

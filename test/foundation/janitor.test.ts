// The janitor: runs left `running` by a process that died are marked interrupted, and their message says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { janitorJob } from '../../jobs/janitor.js';
import { runJob } from '../../src/scheduler.js';
import { type Bot, startBot } from '../support/bot.js';
import { textOf } from '../support/slack-fake.js';

describe('janitor', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot();
  });
  afterAll(() => bot.stop());

  it("marks a dead process's run interrupted and updates its message, leaving live runs alone", async () => {
    await bot.db.query(`insert into runs (id, kind, env, trigger, owner, heartbeat_at, slack_channel, slack_ts)
      values ('r_dead', 'drill', 'staging', 'slash', 'p_gone', now() - interval '1 hour', 'C_OPS', '111.222')`);
    const liveRun = await bot.deps.runs.start({ kind: 'smoke', env: 'staging', trigger: 'slash' });
    await runJob(janitorJob, bot.deps);

    const rows = await bot.db.query<{ id: string; status: string; error: string | null }>(
      "select id, status, error from runs where id in ('r_dead', $1) order by id",
      [liveRun],
    );
    expect(rows).toContainEqual({
      id: 'r_dead',
      status: 'interrupted',
      error: expect.stringContaining('stopped before it finished'),
    });
    expect(rows).toContainEqual({ id: liveRun, status: 'running', error: null });
    const [update] = await bot.slack.waitFor('chat.update', 1);
    expect(update!.args).toMatchObject({ channel: 'C_OPS', ts: '111.222' });
    expect(textOf(update!.args.blocks, update!.args.text)).toContain('drill staging was interrupted');
  });

  it('records its own execution as a run', async () => {
    const runs = await bot.db.query<{ status: string }>("select status from runs where kind = 'job:janitor'");
    expect(runs).toEqual([{ status: 'passed' }]);
  });
});

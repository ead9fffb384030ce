// /uptime [env]: the environment's availability, latency, outages and error budget. /maintenance: open, end and
// list maintenance windows; a window started or ended is announced in the alert channel.
import type { Deps } from '../src/deps.js';
import { operate, rethrow } from '../src/operate/operate.js';
import { endMaintenanceOperation, startMaintenanceOperation, uptimeOperation } from '../src/operate/uptime.js';
import { usageText } from '../src/render/blocks/help.js';
import { maintenanceListMessage, uptimeMessage } from '../src/render/blocks/uptime.js';
import { maintenanceEnded, maintenanceStarted } from '../src/render/text/uptime.js';
import { slackErrorCode } from '../src/slack/chat.js';
import type { Surfaces } from '../src/slack/router.js';
import { openWindows } from '../src/uptime/maintenance.js';
import { checkMaintenanceRequest } from '../src/uptime/maintenance-input.js';

const words = (text: string) => text.trim().split(/\s+/).filter(Boolean);
const isHelp = (w: string[]) => w.length === 1 && /^(help|-h|--help)$/i.test(w[0]!);

/** The alert channel hears of every window; a failure to post is logged, the window stands. */
async function announce(deps: Deps, text: string): Promise<void> {
  const channel = deps.config.slack.alertChannel;
  if (!channel) return;
  await deps.chat
    .post(channel, { text })
    .catch((error) => deps.log.warn({ reason: slackErrorCode(error) }, 'maintenance announcement not posted'));
}

export function registerUptime(app: Surfaces, deps: Deps): void {
  app.command('/uptime', async ({ command, ack, respond }) => {
    const w = words(command.text);
    const names = deps.config.environments.map((e) => e.name);
    if (isHelp(w)) return ack({ response_type: 'ephemeral', text: usageText('/uptime') });
    const name = (w[0] ?? 'staging').toLowerCase();
    if (w.length > 1 || !names.includes(name)) {
      const problem =
        w.length > 1
          ? 'Give one environment, e.g. `/uptime staging`.'
          : `\`${name.slice(0, 40).replace(/[<>&`]/g, '')}\` is not a configured environment (configured: ${names.join(', ')}).`;
      return ack({ response_type: 'ephemeral', text: usageText('/uptime', undefined, problem) });
    }
    await ack();
    const actor = { user: command.user_id, channel: command.channel_id };
    const outcome = await operate(deps, uptimeOperation(name, { trigger: 'slash', actor }, deps));
    if (outcome.outcome === 'refused')
      return void (await respond({ response_type: 'ephemeral', text: outcome.reason }));
    if (outcome.outcome !== 'done') rethrow(outcome);
    await respond({ response_type: 'in_channel', ...uptimeMessage(outcome.report) });
  });

  app.command('/maintenance', async ({ command, ack, respond }) => {
    const w = words(command.text);
    const say = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    if (w.length === 0 || isHelp(w))
      return ack({
        response_type: 'ephemeral',
        text: usageText('/maintenance', deps.roles.rolesKnownNow(command.user_id)),
      });
    const actor = { user: command.user_id, channel: command.channel_id };
    if (w[0] === 'list' && w.length === 1) {
      await ack();
      const message = maintenanceListMessage(await openWindows(deps.db, deps.now()));
      return void (await respond({ response_type: 'ephemeral', replace_original: false, ...message }));
    }
    if (w[0] === 'end') {
      const env = (w[1] ?? '').toLowerCase();
      if (w.length !== 2 || !deps.config.environments.some((e) => e.name === env))
        return ack({
          response_type: 'ephemeral',
          text: usageText('/maintenance', undefined, 'Say which environment, e.g. `/maintenance end staging`.'),
        });
      await ack();
      const outcome = await operate(deps, endMaintenanceOperation(env, { trigger: 'slash', actor }, deps));
      if (outcome.outcome === 'refused') return void (await say(outcome.reason));
      if (outcome.outcome !== 'done') rethrow(outcome);
      if (!outcome.report) return void (await say(`${env} has no open maintenance window; nothing changed.`));
      await announce(deps, maintenanceEnded(outcome.report));
      return void (await say(`Maintenance of ${env} ended.`));
    }
    const request = checkMaintenanceRequest({ env: w[0], duration: w[1], reason: w.slice(2).join(' ') }, deps.config);
    if ('problem' in request)
      return ack({ response_type: 'ephemeral', text: usageText('/maintenance', undefined, request.problem) });
    await ack();
    const outcome = await operate(deps, startMaintenanceOperation(request, { trigger: 'slash', actor }, deps));
    if (outcome.outcome === 'refused') return void (await say(outcome.reason));
    if (outcome.outcome !== 'done') rethrow(outcome);
    if (outcome.report.outcome === 'refused') return void (await say(`${outcome.report.reason} Nothing changed.`));
    await announce(deps, maintenanceStarted(outcome.report.window));
    await say(`Maintenance of ${request.env} started; announced in the alert channel.`);
  });
}

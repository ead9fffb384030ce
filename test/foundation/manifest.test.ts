// manifest.yml declares exactly the slash commands the code registers, and the scopes the code's Web API calls need.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Bot, startBot } from '../support/bot.js';

interface Manifest {
  display_information: { name: string; description: string };
  features: { slash_commands: { command: string; url: string; description: string; usage_hint: string }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    interactivity: { is_enabled: boolean; request_url: string };
    event_subscriptions?: { request_url: string; bot_events: string[] };
    socket_mode_enabled: boolean;
  };
}
// Parsed as Slack parses it: a YAML error here is an app that cannot be created from the manifest.
const manifest = parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8')) as Manifest;
const declared = manifest.features.slash_commands.map((c) => c.command).sort();
const scopes = [...manifest.oauth_config.scopes.bot].sort();
const sources = (dir: string) =>
  readdirSync(new URL(`../../${dir}/`, import.meta.url), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(new URL(`../../${dir}/${f}`, import.meta.url), 'utf8'))
    .join('\n');
const code = `${sources('commands')}\n${sources('src')}\n${sources('jobs')}`;
const subscribed = manifest.settings.event_subscriptions?.bot_events ?? [];
const listened = [...new Set([...code.matchAll(/app\.event\(\s*'([^']+)'/g)].map((m) => m[1]!))].sort();
const registered = [...code.matchAll(/app\.command\(\s*'([^']+)'/g)].map((m) => m[1]).sort();

// Web API methods opsbot may call -> the bot scope each needs (undefined: none).
const SCOPE_OF: Record<string, string | string[] | undefined> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.getPermalink': undefined,
  // Looking up a marked post before repeating it: public and private alert channels.
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.replies': ['channels:history', 'groups:history'],
  // The alerts' DMs: "still on it?" and escalation.
  'conversations.open': 'im:write',
  // Files can be shared only where opsbot is a member: it joins a public channel before uploading there.
  'conversations.join': 'channels:join',
  'files.uploadV2': 'files:write',
  'usergroups.list': 'usergroups:read',
  'usergroups.users.list': 'usergroups:read',
  // Who a deploy's requester is, by email (src/publish/approvals-identity.ts).
  'users.lookupByEmail': ['users:read', 'users:read.email'],
  // Also the clicker's time zone, for "Snooze until tomorrow 09:00".
  'users.info': ['users:read', 'users:read.email'],
  'views.open': undefined,
  'views.update': undefined,
  'views.push': undefined,
  'views.publish': undefined,
};
// Events opsbot subscribes to -> the bot scope each needs (undefined: none).
const EVENT_SCOPE: Record<string, string | undefined> = {
  app_home_opened: undefined,
  app_mention: 'app_mentions:read',
};

describe('manifest.yml', () => {
  it('declares exactly the commands registered in code', () => {
    expect(declared).toEqual([
      '/access-review',
      '/approvals',
      '/change-control',
      '/drill',
      '/evidence',
      '/maintenance',
      '/opsbot',
      '/retention',
      '/seed',
      '/smoke',
      '/uptime',
    ]);
    expect(registered).toEqual(declared);
  });

  it('asks for exactly the scopes of the Web API methods the code calls', () => {
    const called = [
      ...code.matchAll(/client\.(chat|conversations|files|usergroups|users|views)\.(\w+(?:\.\w+)?)\(/g),
    ].map((m) => `${m[1]}.${m[2]}`);
    for (const method of called) expect(Object.keys(SCOPE_OF), `unknown Web API method ${method}`).toContain(method);
    const needed = new Set(called.flatMap((m) => SCOPE_OF[m] ?? []));
    needed.add('commands');
    needed.add('chat:write.public');
    for (const event of subscribed) {
      expect(Object.keys(EVENT_SCOPE), `unknown event ${event}`).toContain(event);
      if (EVENT_SCOPE[event]) needed.add(EVENT_SCOPE[event]);
    }
    expect(scopes).toEqual([...needed].sort());
  });

  it('subscribes to exactly the events the code listens to', () => {
    expect([...subscribed].sort()).toEqual(listened);
  });

  it('points every request URL at /slack/events, with interactivity on', () => {
    const urls = [...manifest.features.slash_commands.map((c) => c.url), manifest.settings.interactivity.request_url];
    for (const url of urls) expect(url).toBe('https://opsbot.example.com/slack/events');
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it("stays inside Slack's manifest limits", () => {
    expect(manifest.display_information.description.length).toBeLessThanOrEqual(140);
    for (const command of manifest.features.slash_commands) {
      expect(command.description.length).toBeLessThanOrEqual(100);
      expect(command.usage_hint.length).toBeLessThanOrEqual(100);
    }
  });

  describe('against the running app', () => {
    let bot: Bot;
    beforeAll(async () => {
      bot = await startBot();
    });
    afterAll(() => bot.stop());

    it.each(declared)('answers %s help with usage', async (command) => {
      const answer = await bot.slash(command!, 'help');
      expect(answer.status).toBe(200);
      expect(JSON.stringify(answer.body)).toContain(command);
      expect(JSON.stringify(answer.body)).not.toContain('does not know');
    });
  });
});

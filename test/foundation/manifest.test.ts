// manifest.yml declares exactly the slash commands the code registers, and the scopes the code's Web API calls need.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bot, startBot } from '../support/bot.js';

const manifest = readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8');
const declared = [...manifest.matchAll(/^\s+- command: (\S+)$/gm)].map((m) => m[1]).sort();
const scopes = [...manifest.matchAll(/^\s+- ([a-z.:]+)\s+#/gm)].map((m) => m[1]).sort();
const sources = (dir: string) =>
  readdirSync(new URL(`../../${dir}/`, import.meta.url), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(new URL(`../../${dir}/${f}`, import.meta.url), 'utf8'))
    .join('\n');
const code = `${sources('commands')}\n${sources('src')}\n${sources('jobs')}`;
const registered = [...code.matchAll(/app\.command\(\s*'([^']+)'/g)].map((m) => m[1]).sort();

// Web API methods opsbot may call -> the bot scope each needs (undefined: none).
const SCOPE_OF: Record<string, string | undefined> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.getPermalink': undefined,
  'files.uploadV2': 'files:write',
  'usergroups.list': 'usergroups:read',
  'usergroups.users.list': 'usergroups:read',
  'views.open': undefined,
  'views.update': undefined,
  'views.push': undefined,
};

describe('manifest.yml', () => {
  it('declares exactly the commands registered in code', () => {
    expect(declared).toEqual(['/access-review', '/drill', '/seed', '/smoke']);
    expect(registered).toEqual(declared);
  });

  it('asks for exactly the scopes of the Web API methods the code calls', () => {
    const called = [...code.matchAll(/client\.(chat|files|usergroups|views)\.(\w+(?:\.\w+)?)\(/g)].map(
      (m) => `${m[1]}.${m[2]}`,
    );
    for (const method of called) expect(Object.keys(SCOPE_OF), `unknown Web API method ${method}`).toContain(method);
    const needed = new Set(called.map((m) => SCOPE_OF[m]).filter(Boolean));
    needed.add('commands');
    needed.add('chat:write.public');
    expect(scopes).toEqual([...needed].sort());
  });

  it('points every request URL at /slack/events', () => {
    const urls = [...manifest.matchAll(/(?:url|request_url): (\S+)/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThanOrEqual(5);
    for (const url of urls) expect(url).toMatch(/^https:\/\/opsbot\.example\.com\/slack\/events$/);
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

// The documented Docker stack: `docker-compose config` accepts it without a .env, it honours PORT, restarts, runs
// Postgres of the major the image's pg_dump serves, and the image has `opsbot` on PATH on a supported Node LTS.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

/** `docker compose` (plugin) or Debian's `docker-compose`, whichever answers. */
async function composeCommand(): Promise<string[] | undefined> {
  for (const command of [['docker', 'compose'], ['docker-compose']]) {
    try {
      await run(command[0]!, [...command.slice(1), 'version']);
      return command;
    } catch {}
  }
  return undefined;
}
const compose = await composeCommand();

describe('the Docker image', () => {
  it('runs on Node 22 or 24, the LTS lines, as package.json engines allow', () => {
    const bases = [...dockerfile.matchAll(/^FROM node:(\d+)/gm)].map((m) => Number(m[1]));
    expect(bases.length).toBeGreaterThan(0);
    for (const major of bases) expect([22, 24]).toContain(major);
    const engines = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node;
    // process.loadEnvFile, which reads .env, came in 20.12.
    expect(engines).toBe('>=20.12');
  });

  it('puts opsbot on PATH and serves with it', () => {
    expect(dockerfile).toMatch(/ln -s \/app\/dist\/cli\/main\.js \/usr\/local\/bin\/opsbot/);
    expect(dockerfile).toContain('CMD ["opsbot", "serve"]');
    expect(readFileSync(join(root, 'cli/main.ts'), 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
  });
});

describe.skipIf(!compose)(
  `docker-compose.yml${compose ? '' : ' (skipped: neither docker compose nor docker-compose is installed)'}`,
  () => {
    // A copy in a folder without .env: a first run has none.
    const dir = mkdtempSync(join(tmpdir(), 'opsbot-compose-'));
    copyFileSync(join(root, 'docker-compose.yml'), join(dir, 'docker-compose.yml'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    let plain: ReturnType<typeof render> | undefined;
    const config = (env?: Record<string, string>) => {
      if (env) return render(env);
      plain ??= render({});
      return plain;
    };
    const render = async (env: Record<string, string>) => {
      const { PORT: _port, PG_MAJOR: _major, ...rest } = process.env;
      const { stdout } = await run(compose![0]!, [...compose!.slice(1), 'config'], {
        cwd: dir,
        env: { ...rest, ...env },
      });
      return parse(stdout) as {
        services: Record<
          string,
          { image?: string; environment?: Record<string, string>; ports?: unknown[]; restart?: string }
        >;
      };
    };

    it('validates without a .env, every service restarting unless stopped', async () => {
      const stack = await config();
      for (const name of ['postgres', 'redis', 'opsbot']) expect(stack.services[name]!.restart).toBe('unless-stopped');
      expect(stack.services.opsbot!.environment!.PORT).toBe('3000');
    });

    it('runs Postgres of the major the image installs pg_dump for', async () => {
      const stack = await config();
      const clientMajor = dockerfile.match(/^ARG PG_MAJOR=(\d+)/m)?.[1];
      expect(dockerfile).toContain('postgresql-client-$' + '{PG_MAJOR}');
      expect(stack.services.postgres!.image).toBe(`postgres:${clientMajor}`);
    });

    it('listens on PORT inside and publishes the same port', async () => {
      const stack = await config({ PORT: '4100' });
      expect(stack.services.opsbot!.environment!.PORT).toBe('4100');
      expect(JSON.stringify(stack.services.opsbot!.ports)).toMatch(/4100.*4100/);
    });
  },
);

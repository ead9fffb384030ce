import { configDefaults, defineConfig } from 'vitest/config';

// Files that need a fresh module graph of their own: bounded-state.test.ts loads @isaacs/ttlcache under a fake clock,
// which a cache already loaded by an earlier file (with the real clock) cannot follow.
const ISOLATED = ['test/outage/bounded-state.test.ts'];

export default defineConfig({
  test: {
    // Each file gets its own databases, Redis prefixes and servers, so files run side by side; most of a file's time is
    // waiting, so more files than cores. On 2 cores (one machine, one day each): 295 s with two workers, 194-229 s with
    // four; with bots' databases copied from a template, 186 s with four, 181 s with five, 176 s with six. With the CLI
    // run in-process where no process is needed: 154 s with four, 134-145 s with six, where the machine's two cores
    // are 95 % busy (the shared Postgres server takes a third of that); eight gain nothing. TEST_WORKERS overrides.
    pool: 'forks',
    maxWorkers: Number(process.env.TEST_WORKERS) || 6,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default', './test/support/skip-reasons.ts'],
    projects: [
      {
        extends: true,
        // A worker runs file after file in one module graph: Bolt, pg, the AWS SDK and the sources load once per
        // worker instead of once per file (about a second a file). Files still share nothing else: each opens its own
        // databases, Redis prefixes, servers and bots.
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...ISOLATED],
          isolate: false,
        },
      },
      { extends: true, test: { name: 'isolated', include: ISOLATED, isolate: true } },
    ],
  },
});

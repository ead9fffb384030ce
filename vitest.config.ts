import { configDefaults, defineConfig } from 'vitest/config';

// Files that need a fresh module graph of their own: bounded-state.test.ts loads @isaacs/ttlcache under a fake clock,
// which a cache already loaded by an earlier file (with the real clock) cannot follow.
const ISOLATED = ['test/outage/bounded-state.test.ts'];

export default defineConfig({
  test: {
    // Each file gets its own databases, Redis prefixes and servers, so files run side by side. Six workers finished the
    // suite in about 100 s on 2 cores (most of a file's time is waiting), but twice in eight runs pipeline-audit.test.ts
    // saw an access review or a restore drill never finish: until that is understood, two workers (about 190 s).
    pool: 'forks',
    maxWorkers: 2,
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

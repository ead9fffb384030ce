// A reporter beside the default one: after the run, why tests were skipped (a missing TEST_DATABASE_URL, a tool that
// is not installed), once per reason with how many tests it skipped, so a green run never hides what it did not prove.
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

export default class SkipReasons implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const reasons = new Map<string, Set<string>>();
    for (const module of modules) {
      for (const test of module.children.allTests('skipped')) {
        const result = test.result();
        const note = result.state === 'skipped' ? result.note : undefined;
        const reason = note ?? test.fullName.match(/\(skipped: ([^)]+)\)/)?.[1] ?? 'skipped without a reason';
        const file = relative(process.cwd(), module.moduleId);
        if (!reasons.has(reason)) reasons.set(reason, new Set());
        reasons.get(reason)!.add(`${file}: ${test.fullName}`);
      }
    }
    if (reasons.size === 0) return;
    const lines = [...reasons].map(([reason, tests]) => `  ${tests.size} skipped: ${reason}`);
    process.stdout.write(`\nSkipped tests, and why:\n${lines.join('\n')}\n`);
  }
}

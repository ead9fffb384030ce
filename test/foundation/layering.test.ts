// The layering of DESIGN.md is checked by dependency-cruiser (`npm run lint:deps`, run by .ci/run): an upward import
// or a cycle in a tree laid out like opsbot's fails it, naming the rule.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules/.bin/depcruise');

function cruise(cwd: string, paths: string[]) {
  const run = spawnSync(DEPCRUISE, [...paths, '--config', CONFIG, '--output-type', 'err'], { cwd, encoding: 'utf8' });
  return { code: run.status, text: `${run.stdout}${run.stderr}` };
}

describe('the layering rules', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  async function tree(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'opsbot-layers-'));
    dirs.push(dir);
    const tsconfig = { compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', rootDir: '.' } };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    return dir;
  }

  // The tree itself is cruised by `npm run lint:deps` (in `npm run lint`, which .ci/run runs before the tests): here, one
  // cruise of a small tree laid out like opsbot's proves each rule fails what it should.
  it('fail a capability that imports a renderer (even for a type), a renderer that calls a capability, and a cycle', async () => {
    const dir = await tree({
      'src/render/blocks/smoke.ts': 'export type SlackMessage = { text: string };\n',
      'src/smoke/check.ts':
        "import type { SlackMessage } from '../render/blocks/smoke.js';\nexport const m: SlackMessage = { text: '' };\n",
      'src/drill/history.ts': "export function drillOutcome(): string { return 'PASS'; }\n",
      'src/render/blocks/drill.ts':
        "import { drillOutcome } from '../../drill/history.js';\nexport const o = drillOutcome();\n",
      'src/seed/pilots.ts': "import { step } from './steps.js';\nexport const pilots = () => step;\n",
      'src/seed/steps.ts': "import { pilots } from './pilots.js';\nexport const step = () => pilots;\n",
      // Laid out like opsbot and within the rules: named by no violation.
      'src/smoke/report.ts': "import { m } from './check.js';\nexport const r = m;\n",
    });
    const { code, text } = cruise(dir, ['src']);
    expect(code).not.toBe(0);
    expect(text).toContain('capability-stays-below: src/smoke/check.ts → src/render/blocks/smoke.ts');
    expect(text).toContain('render-is-pure: src/render/blocks/drill.ts → src/drill/history.ts');
    expect(text).toMatch(/no-circular: src\/seed\/(pilots|steps)\.ts → /);
    expect(text).not.toContain('src/smoke/report.ts');
  });
});

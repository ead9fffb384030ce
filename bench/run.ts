// `npm run bench [-- name...]`: runs the benchmarks in bench/ (each a file exporting `run(): Promise<BenchResult>`)
// and prints their figures; results are also written to bench/out/<name>.json.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface BenchResult {
  name: string;
  /** The figure the issue asks for, e.g. { ratio: 1.02 }, with the goal it is held to. */
  figures: Record<string, number | string>;
  goal?: string;
  met?: boolean;
  notes?: string[];
}

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''))
  .filter((n) => wanted.length === 0 || wanted.includes(n));
mkdirSync(`${dir}/out`, { recursive: true });
let failed = false;
for (const name of names) {
  const started = performance.now();
  const mod = (await import(`./${name}.ts`)) as { run(): Promise<BenchResult> };
  const result = await mod.run();
  writeFileSync(`${dir}/out/${name}.json`, JSON.stringify(result, null, 2));
  const figures = Object.entries(result.figures)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  console.log(
    `${name}: ${figures}${result.goal ? ` (goal ${result.goal}: ${result.met ? 'met' : 'NOT met'})` : ''} [${Math.round(performance.now() - started)} ms]`,
  );
  for (const note of result.notes ?? []) console.log(`  ${note}`);
  if (result.met === false) failed = true;
}
process.exitCode = failed ? 1 : 0;

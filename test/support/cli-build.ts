// The command line compiled once per `vitest run`, so each spawned `opsbot` starts with plain node instead of tsx
// (whose loader alone costs ~0.5 s a process). The same esbuild transform tsx applies, file by file, no bundling: the
// modules, their imports and the SQL read next to them are those of the source tree.
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCES = ['src', 'cli', 'commands', 'jobs'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Compiles the sources into a fresh folder and returns the path of its cli/main.js; remove() deletes the folder. */
export async function buildCli(): Promise<{ main: string; remove(): void }> {
  const out = mkdtempSync(join(tmpdir(), 'opsbot-cli-'));
  const files = SOURCES.flatMap((dir) => filesUnder(join(ROOT, dir)));
  await build({
    entryPoints: files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')),
    outdir: out,
    outbase: ROOT,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    tsconfig: join(ROOT, 'tsconfig.json'),
    logLevel: 'error',
  });
  // Migrations and anything else a module reads from beside itself.
  for (const file of files.filter((f) => !f.endsWith('.ts'))) cpSync(file, join(out, relative(ROOT, file)));
  // Packages resolve from the repository's node_modules.
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
  return { main: join(out, 'cli', 'main.js'), remove: () => rmSync(out, { recursive: true, force: true }) };
}

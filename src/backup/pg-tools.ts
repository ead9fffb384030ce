// Runs pg_dump and pg_restore: found in PG_BIN_DIR or on PATH, the password handed over in a passfile (never in argv,
// where `ps` would show it), their errors kept with every secret masked.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maskSecrets } from '../redact.js';
import { adopt } from './children.js';

export type PgTool = 'pg_dump' | 'pg_restore';
export interface ToolResult {
  code: number | null;
  /** The tail of stderr, secrets masked. */
  stderr: string;
  /** The tool is not installed (or not where PG_BIN_DIR says). */
  missing: boolean;
}
export interface ToolVersion {
  text: string;
  major: number;
}

const STDERR_KEEP = 8000;

export function toolCommand(tool: PgTool, binDir: string | undefined): string {
  return binDir ? join(binDir, tool) : tool;
}

/** What to do when the tool is missing, naming the package (matching the server when its version is known). */
export function missingToolProblem(tool: PgTool, binDir: string | undefined, serverMajor?: number): string {
  const where = binDir ? `in PG_BIN_DIR (${binDir})` : 'on PATH';
  const pkg = serverMajor ? `postgresql-client-${serverMajor}` : 'postgresql-client';
  return (
    `${tool} was not found ${where}: install the PostgreSQL client tools (Debian/Ubuntu: \`apt-get install ${pkg}\`; ` +
    `Alpine: \`apk add postgresql${serverMajor ?? ''}-client\`) or set PG_BIN_DIR to the folder holding ${tool}.`
  );
}

export function olderClientProblem(tool: PgTool, client: number, server: number): string {
  return (
    `${tool} ${client} cannot ${tool === 'pg_dump' ? 'dump' : 'restore into'} a PostgreSQL ${server} server: ` +
    `install postgresql-client-${server} (and set PG_BIN_DIR=/usr/lib/postgresql/${server}/bin if it is not first on PATH).`
  );
}

export function runTool(
  tool: PgTool,
  args: string[],
  options: { binDir?: string; secrets?: string[]; signal?: AbortSignal } = {},
): Promise<ToolResult> {
  return new Promise((resolve) => {
    let stderr = '';
    let settled = false;
    const done = (result: Omit<ToolResult, 'stderr'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...result, stderr: maskSecrets(stderr.trim(), options.secrets) });
    };
    const child = adopt(
      spawn(toolCommand(tool, options.binDir), args, {
        stdio: ['ignore', 'ignore', 'pipe'],
        signal: options.signal,
      }),
    );
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_KEEP);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'EACCES') done({ code: null, missing: true });
      else if (error.name === 'AbortError') done({ code: null, missing: false });
      else {
        stderr += `\n${error.message}`;
        done({ code: null, missing: false });
      }
    });
    child.on('close', (code) => done({ code, missing: false }));
  });
}

/** `pg_dump (PostgreSQL) 15.4 (Debian …)` -> { major: 15 }; undefined when the tool is missing. */
export async function toolVersion(tool: PgTool, binDir: string | undefined): Promise<ToolVersion | undefined> {
  const result = await new Promise<{ out: string; missing: boolean }>((resolve) => {
    let out = '';
    const child = spawn(toolCommand(tool, binDir), ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', () => resolve({ out, missing: true }));
    child.on('close', (code) => resolve({ out, missing: code !== 0 }));
  });
  if (result.missing) return undefined;
  const text = result.out.trim();
  const major = Number(/(\d+)(?:\.\d+)?/.exec(text.replace(/^[^)]*\)/, ''))?.[1] ?? Number.NaN);
  return { text, major };
}

function escapePassfileField(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
}

/**
 * Calls fn with a libpq connection string for url whose password sits in a private passfile, removed afterwards.
 * The `ssl=true` that node-postgres accepts becomes libpq's `sslmode=require`.
 */
export async function withToolConnection<T>(url: string, fn: (conninfo: string) => Promise<T>): Promise<T> {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  if (parsed.searchParams.get('ssl') === 'true') {
    parsed.searchParams.delete('ssl');
    parsed.searchParams.set('sslmode', 'require');
  }
  if (!password) return fn(parsed.toString());
  const dir = await mkdtemp(join(tmpdir(), 'opsbot-pg-'));
  try {
    const passfile = join(dir, 'pgpass');
    await writeFile(passfile, `*:*:*:*:${escapePassfileField(password)}\n`, { mode: 0o600 });
    // libpq decodes %XX but not `+`, so the path is encoded by hand rather than through URLSearchParams.
    const separator = parsed.search ? '&' : '?';
    return await fn(`${parsed.toString()}${separator}passfile=${encodeURIComponent(passfile)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The password of url, for masking it in tool output that echoes connection strings. */
export function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

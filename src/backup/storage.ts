// Where backups are kept, behind a small interface: a local (or mounted, shared) directory, or object storage
// (s3-storage.ts).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';

export interface StoredFile {
  /** Path inside the backup, with `/` separators: `dump/toc.dat`. */
  name: string;
  bytes: number;
  sha256: string;
}
export interface StagedBackup {
  /** A local folder to write the backup into; nothing in it counts as a backup until commit. */
  dir: string;
  /** Publishes the backup under its key in one step (a rename), so a crash never leaves one that looks whole. */
  commit(): Promise<string>;
  abort(): Promise<void>;
}
export interface BackupStorage {
  /** How messages name it: `local /var/lib/opsbot/backups`. */
  readonly location: string;
  stage(key: string): Promise<StagedBackup>;
  /** A local folder holding the backup's files (for pg_restore), or undefined when the backup is not there. */
  open(key: string): Promise<string | undefined>;
  /** Every file of the backup with its size and sha256, read as a stream. */
  files(key: string): Promise<StoredFile[]>;
  /** Lets go of what open(key) fetched (the local copy of a backup read from object storage). */
  close(key: string): Promise<void>;
  /**
   * Writes one object, whole, at key (write each key once: under object lock it can never be replaced). For evidence
   * packages or audit anchors; a folder of files is written with stage(key) … commit() instead.
   */
  put(key: string, bytes: Buffer | string): Promise<void>;
  /** Until when the backup at key cannot be removed (object lock); undefined when nothing holds it. */
  retainedUntil(key: string): Promise<Date | undefined>;
  /** Every object put under prefix (`_anchors/`), with its key relative to the storage's root. */
  objects(prefix: string): Promise<{ key: string; content: Buffer }[]>;
  remove(key: string): Promise<void>;
  /** Removes what writers that crashed left under prefix; returns what it removed. Call only under the env's lock. */
  sweep(prefix: string): Promise<string[]>;
}

const PARTIAL = '.partial-';

export function sha256OfFile(path: string): Promise<string> {
  return new Promise((resolveHash, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolveHash(hash.digest('hex')));
  });
}

/** One sha256 for a set of files: over `sha256  name` lines in name order, as sha256sum prints them. */
export function combinedSha256(files: StoredFile[]): string {
  const lines = [...files].sort((a, b) => (a.name < b.name ? -1 : 1)).map((f) => `${f.sha256}  ${f.name}\n`);
  return createHash('sha256').update(lines.join('')).digest('hex');
}

async function walk(dir: string, root = dir): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? walk(path, root) : [relative(root, path).split('\\').join('/')];
    }),
  );
  return nested.flat().sort();
}

export async function listFiles(dir: string, skip: string[] = []): Promise<StoredFile[]> {
  const names = (await walk(dir)).filter((name) => !skip.includes(name));
  return Promise.all(
    names.map(async (name) => {
      const path = join(dir, name);
      return { name, bytes: (await stat(path)).size, sha256: await sha256OfFile(path) };
    }),
  );
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export function localStorage(root: string): BackupStorage {
  const base = resolve(root);
  const pathOf = (key: string) => {
    const path = resolve(base, key);
    // Keys come from opsbot itself, but a key that climbs out of BACKUP_DIR is never written or removed.
    if (!path.startsWith(`${base}/`)) throw new Error(`backup key ${key} is outside BACKUP_DIR`);
    return path;
  };
  return {
    location: `local ${base}`,
    async stage(key) {
      const final = pathOf(key);
      const dir = `${final}${PARTIAL}${process.pid}-${Date.now().toString(36)}`;
      await mkdir(dir, { recursive: true });
      return {
        dir,
        async commit() {
          // Two backups within one second get -2, -3: a published backup is never replaced.
          let target = final;
          for (let n = 2; await exists(target); n += 1) target = `${final}-${n}`;
          await rename(dir, target);
          return relative(base, target).split('\\').join('/');
        },
        abort: () => rm(dir, { recursive: true, force: true }),
      };
    },
    async open(key) {
      const path = pathOf(key);
      return (await exists(join(path, 'manifest.json'))) ? path : undefined;
    },
    files: (key) => listFiles(pathOf(key), ['manifest.json']),
    close: async () => {},
    async put(key, bytes) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const partial = `${path}${PARTIAL}${process.pid}-${Date.now().toString(36)}`;
      await writeFile(partial, bytes);
      await rename(partial, path);
    },
    retainedUntil: async () => undefined,
    async objects(prefix) {
      const names = await walk(pathOf(prefix)).catch(() => [] as string[]);
      return Promise.all(
        names.map(async (name) => ({ key: `${prefix}${name}`, content: await readFile(join(pathOf(prefix), name)) })),
      );
    },
    remove: (key) => rm(pathOf(key), { recursive: true, force: true }),
    async sweep(prefix) {
      const dir = pathOf(prefix);
      const entries = await readdir(dir).catch(() => [] as string[]);
      const partial = entries.filter((name) => name.includes(PARTIAL));
      await Promise.all(partial.map((name) => rm(join(dir, name), { recursive: true, force: true })));
      return partial.map((name) => `${prefix}/${name}`);
    },
  };
}

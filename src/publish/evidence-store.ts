// With BACKUP_STORAGE=s3://…, every evidence package is also kept in the bucket (`_evidence/<quarter>/…`, a second
// export of the same quarter gets `-2`), under object lock when S3_OBJECT_LOCK_DAYS is set: a copy nobody can
// rewrite. With the local folder nothing is kept here: the CLI's --out, or the upload, is where the package goes.
import { storageFor } from '../backup/backup.js';
import type { Config } from '../config.js';
import { type PackageFile, writeEvidencePackage } from './evidence-package.js';

/** Where the package was kept (`s3://bucket/prefix at … / _evidence/2026-Q3`), or undefined without object storage. */
export async function storeEvidencePackage(
  config: Config,
  files: PackageFile[],
  quarter: string,
): Promise<string | undefined> {
  if (!config.backup.s3) return undefined;
  const storage = storageFor(config);
  const staged = await storage.stage(`_evidence/${quarter}`);
  try {
    await writeEvidencePackage(files, staged.dir);
    return `${storage.location} / ${await staged.commit()}`;
  } catch (error) {
    await staged.abort().catch(() => {});
    throw error;
  }
}

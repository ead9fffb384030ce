// `/evidence <quarter>`: the package's summary posted where it was asked for, and in its thread INDEX.md beside the
// whole package as one .tar.gz (MANIFEST.sha256 inside), so an auditor downloads one file and checks it offline.
import type { Deps } from '../deps.js';
import type { QuarterEvidence } from '../evidence/package.js';
import { evidenceSummaryMessage } from '../render/blocks/evidence.js';
import type { MessageRef } from '../slack/chat.js';
import { evidencePackageFiles } from './evidence-package.js';
import { storeEvidencePackage } from './evidence-store.js';
import { tarGz } from './tar.js';

export interface EvidenceUpload {
  ref: MessageRef;
  archive: string;
  files: number;
  bytes: number;
  /** Where object storage keeps a copy (BACKUP_STORAGE=s3://…). */
  stored?: string;
}

export async function uploadEvidencePackage(
  deps: Pick<Deps, 'chat' | 'config'>,
  evidence: QuarterEvidence,
  channel: string,
): Promise<EvidenceUpload> {
  const files = evidencePackageFiles(evidence);
  const folder = `evidence-${evidence.quarter}`;
  const archive = tarGz(
    files.map((f) => ({ path: `${folder}/${f.path}`, content: f.content })),
    new Date(evidence.generatedAt),
  );
  // Kept first: a package the bucket refuses is not announced as delivered.
  const stored = await storeEvidencePackage(deps.config, files, evidence.quarter);
  const bytes = files.reduce((sum, f) => sum + Buffer.byteLength(f.content), 0);
  const ref = await deps.chat.post(channel, evidenceSummaryMessage(evidence, files.length, bytes));
  const index = files.find((f) => f.path === 'INDEX.md')!;
  await deps.chat.upload(
    channel,
    ref.ts,
    [
      { filename: 'INDEX.md', content: index.content },
      { filename: `${folder}.tar.gz`, content: archive },
    ],
    `Evidence package ${evidence.quarter}: unpack it and run \`opsbot evidence verify ${folder}\` or \`sha256sum -c MANIFEST.sha256\` inside it.${stored ? ` A copy is kept in object storage: ${stored}.` : ''}`,
  );
  return { ref, archive: `${folder}.tar.gz`, files: files.length, bytes: archive.length, stored };
}

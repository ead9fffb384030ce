// bench/evidence: the evidence package of a quarter with 13 weekly access reviews of 10 000 members each and 3 restore
// drills (plus a quarter of uptime, retention reports, approvals and audit events): how long it takes to build, write
// and verify, and how big the folder and its .tar.gz are. Needs TEST_DATABASE_URL.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { buildQuarterEvidence } from '../src/evidence/package.js';
import { verifyEvidencePackage } from '../src/evidence/verify.js';
import { evidencePackageFiles, writeEvidencePackage } from '../src/publish/evidence-package.js';
import { tarGz } from '../src/publish/tar.js';
import { migrate } from '../src/store/migrate.js';
import { postgresDb } from '../src/store/postgres.js';
import { DRILL_DAYS, QUARTER, SUNDAYS, seedAudit, seedDrills, seedReviews } from '../test/evidence/fixtures.js';
import { createTestDatabase, TEST_DATABASE_URL } from '../test/support/infra.js';
import type { BenchResult } from './run.js';

const MEMBERS = 10_000;

export async function run(): Promise<BenchResult> {
  if (!TEST_DATABASE_URL) throw new Error('bench/evidence needs TEST_DATABASE_URL');
  const state = await createTestDatabase('bench_evidence');
  const db = postgresDb(state.url, 4);
  const out = await mkdtemp(join(tmpdir(), 'opsbot-bench-evidence-'));
  try {
    await migrate(db);
    await seedAudit(db);
    await seedDrills(db, DRILL_DAYS);
    await seedReviews(db, SUNDAYS, MEMBERS);
    const config = loadConfig({ DATABASE_URL: state.url, BACKUP_DIR: out }, { requireSlack: false });
    // The same moment each time: 2026-Q3 is over.
    const deps = { db, config, now: () => new Date('2026-10-05T09:00:00Z') };

    let started = performance.now();
    const evidence = await buildQuarterEvidence(deps, QUARTER);
    if ('reason' in evidence) throw new Error(evidence.reason);
    const buildMs = performance.now() - started;
    started = performance.now();
    const files = evidencePackageFiles(evidence);
    const renderMs = performance.now() - started;
    started = performance.now();
    const dir = join(out, 'pkg');
    const bytes = await writeEvidencePackage(files, dir);
    const writeMs = performance.now() - started;
    started = performance.now();
    const archive = tarGz(
      files.map((f) => ({ path: `evidence-${QUARTER}/${f.path}`, content: f.content })),
      new Date(),
    );
    const tarMs = performance.now() - started;
    started = performance.now();
    const verified = await verifyEvidencePackage(dir);
    const verifyMs = performance.now() - started;
    if (!verified.ok) throw new Error(`the package does not verify: ${JSON.stringify(verified.problems)}`);
    return {
      name: 'evidence',
      figures: {
        reviews: SUNDAYS.length,
        membersPerReview: MEMBERS,
        drills: DRILL_DAYS.length,
        files: files.length,
        packageMB: Number((bytes / 1e6).toFixed(2)),
        tarGzMB: Number((archive.length / 1e6).toFixed(2)),
        buildMs: Math.round(buildMs),
        renderMs: Math.round(renderMs),
        writeMs: Math.round(writeMs),
        tarGzMs: Math.round(tarMs),
        verifyMs: Math.round(verifyMs),
      },
      notes: [
        'build: every control read from Postgres; render: every file and MANIFEST.sha256; tarGz: the /evidence upload',
        'verify: `opsbot evidence verify` without its process start (sha256 of every file, the audit chain re-walked)',
      ],
    };
  } finally {
    await db.close();
    await state.drop();
    await rm(out, { recursive: true, force: true });
  }
}

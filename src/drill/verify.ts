// Compares what came back with what went in: table by table against the manifest, and the audit chain byte for byte.

import { type TableSum, tableKey } from '../backup/checksum.js';
import type { AuditVerifyReport } from '../store/audit.js';

export interface TableComparison {
  schema: string;
  name: string;
  hasPrimaryKey: boolean;
  sourceRows?: number;
  sourceChecksum?: string;
  restoredRows?: number;
  restoredChecksum?: string;
  ok: boolean;
  /** Set when ok is false: what differs. */
  problem?: string;
}

export interface ChainComparison {
  sourceRows: number;
  sourceHead: string;
  restoredRows?: number;
  restoredHead?: string;
  ok: boolean;
  problem?: string;
}

export function compareTables(source: TableSum[], restored: TableSum[]): TableComparison[] {
  const back = new Map(restored.map((t) => [tableKey(t), t]));
  const rows: TableComparison[] = source.map((s) => {
    const r = back.get(tableKey(s));
    back.delete(tableKey(s));
    const base = {
      schema: s.schema,
      name: s.name,
      hasPrimaryKey: s.hasPrimaryKey,
      sourceRows: s.rowCount,
      sourceChecksum: s.checksum,
    };
    if (!r) return { ...base, ok: false, problem: 'missing from the restored database' };
    const problems = [
      ...(r.rowCount !== s.rowCount ? [`${s.rowCount} rows in the backup, ${r.rowCount} restored`] : []),
      ...(r.checksum !== s.checksum ? [`checksum ${s.checksum} in the backup, ${r.checksum} restored`] : []),
    ];
    return {
      ...base,
      restoredRows: r.rowCount,
      restoredChecksum: r.checksum,
      ok: problems.length === 0,
      ...(problems.length ? { problem: problems.join('; ') } : {}),
    };
  });
  for (const extra of back.values()) {
    rows.push({
      schema: extra.schema,
      name: extra.name,
      hasPrimaryKey: extra.hasPrimaryKey,
      restoredRows: extra.rowCount,
      restoredChecksum: extra.checksum,
      ok: false,
      problem: "in the restored database but not in the backup's manifest",
    });
  }
  return rows;
}

/** The property certctl's weekly restore test asserts: same rows walked, same head hash, no break, after the round trip. */
export function compareChains(source: AuditVerifyReport, restored: AuditVerifyReport | undefined): ChainComparison {
  const base = { sourceRows: source.rowsWalked, sourceHead: source.headHash };
  if (!restored) return { ...base, ok: false, problem: 'audit_events is missing from the restored database' };
  const problems = [
    ...(!source.ok
      ? [
          `the chain was already broken at row ${source.brokenAt?.seq} when the backup was taken (${source.brokenAt?.reason})`,
        ]
      : []),
    ...(!restored.ok
      ? [`the restored chain breaks at row ${restored.brokenAt?.seq}: ${restored.brokenAt?.reason}`]
      : []),
    ...(restored.rowsWalked !== source.rowsWalked
      ? [`${source.rowsWalked} rows walked in the backup, ${restored.rowsWalked} restored`]
      : []),
    ...(restored.headHash !== source.headHash
      ? [`head hash ${source.headHash} in the backup, ${restored.headHash} restored`]
      : []),
  ];
  return {
    ...base,
    restoredRows: restored.rowsWalked,
    restoredHead: restored.headHash,
    ok: problems.length === 0,
    ...(problems.length ? { problem: problems.join('; ') } : {}),
  };
}

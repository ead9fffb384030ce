// Faults injected by wrapping adapters (passed as startBot's `wrap`), never through hooks in opsbot's own code.
import type { Mailer } from '../../src/mail/mailer.js';
import type { Audit, AuditEvent } from '../../src/store/audit.js';
import type { Db } from '../../src/store/db.js';
import type { Targets } from '../../src/targets/targets.js';

/** Runs before each query on a target pool (transactions included): throw to fail it, await to hold it. */
export type QueryFault = (sql: string) => void | Promise<void>;

function faultyDb(inner: Db, fault: QueryFault): Db {
  return {
    kind: inner.kind,
    async query(sql, params, options) {
      await fault(sql);
      return inner.query(sql, params, options);
    },
    transaction: (fn) => inner.transaction((tx) => fn(faultyDb(tx, fault))),
    close: () => inner.close(),
  };
}

/** Target pools whose queries pass through fault first. */
export function poolFault(fault: QueryFault): (inner: Targets) => Targets {
  return (inner) => ({ ...inner, pool: (url, max) => faultyDb(inner.pool(url, max), fault) });
}

/** Runs before each target session opens (a drill's verification opens one on the restored copy). */
export function clientFault(fault: (url: string, what: string) => void | Promise<void>): (inner: Targets) => Targets {
  return (inner) => ({
    ...inner,
    async client(url, what, applicationName) {
      await fault(url, what);
      return inner.client(url, what, applicationName);
    },
  });
}

/** An audit log that fails the appends fault throws for. */
export function auditFault(fault: (event: AuditEvent) => void): (inner: Audit) => Audit {
  return (inner) => ({
    ...inner,
    append(event, tx) {
      fault(event);
      return inner.append(event, tx);
    },
  });
}

/** A mailer whose sends fail as fault says (a broken SMTP relay). */
export function mailFault(fault: () => void): (inner: Mailer) => Mailer {
  return (inner) => ({
    ...inner,
    send(message) {
      fault();
      return inner.send(message);
    },
  });
}

/** The step 2 data upsert of a seed (any pilot table after tenants), step 4's shadow reports, step 5's rollup. */
export const SEED_SQL = {
  step2Data: (sql: string) => /^with written as \(\s*insert into (?!tenants\b)\w+ \(/.test(sql),
  step4: (sql: string) => /select t\.id as tenant, t\.autopost_enabled/.test(sql),
  step5: (sql: string) => /insert into analytics_daily/.test(sql),
};

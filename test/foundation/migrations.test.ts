// Migrations: the same SQL on both backends, applied once even when replicas start together.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedDb } from '../../src/store/embedded.js';
import { migrate, migrationNames, pendingMigrations } from '../../src/store/migrate.js';
import { postgresDb } from '../../src/store/postgres.js';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/infra.js';

describe('migrations on embedded Postgres', () => {
  it('applies every migration, then has none pending', async () => {
    const db = await embeddedDb('memory://');
    try {
      expect((await migrate(db)).applied).toEqual(migrationNames());
      expect(await pendingMigrations(db)).toEqual([]);
      expect((await migrate(db)).applied).toEqual([]);
    } finally {
      await db.close();
    }
  });
});

describeWithPostgres('migrations on PostgreSQL', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('migrate');
  });
  afterAll(() => database.drop());

  it('applies each migration once when four replicas migrate at the same moment', async () => {
    const replicas = Array.from({ length: 4 }, () => postgresDb(database.url, 2));
    try {
      const reports = await Promise.all(replicas.map((db) => migrate(db)));
      expect(reports.flatMap((r) => r.applied).sort()).toEqual(migrationNames());
      const rows = await database.query<{ name: string }>('select name from schema_migrations order by name');
      expect(rows.map((r) => r.name)).toEqual(migrationNames());
    } finally {
      await Promise.all(replicas.map((db) => db.close()));
    }
  });

  it('rolls back a transaction whose work throws, and keeps nothing of it', async () => {
    const db = postgresDb(database.url, 2);
    try {
      await expect(
        db.transaction(async (tx) => {
          await tx.query("insert into runs (id, kind, trigger) values ('r_rollback', 'test', 'cli')");
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await db.query("select id from runs where id = 'r_rollback'")).toEqual([]);
    } finally {
      await db.close();
    }
  });
});

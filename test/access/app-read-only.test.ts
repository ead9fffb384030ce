// The snapshot only reads the application database: a query that writes, or an override that smuggles in more
// statements (`commit; insert …; begin; select …`), fails its section with a clear reason and writes nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/infra.js';
import { createAppDatabase, reviewThroughCli } from './fixtures.js';

describeWithPostgres('access snapshot of the application database', () => {
  let app: TestDatabase;
  let state: TestDatabase;
  beforeAll(async () => {
    [app, state] = await Promise.all([createAppDatabase({ clean: true }), createTestDatabase('state')]);
  });
  afterAll(() => Promise.all([app?.drop(), state?.drop()]));

  const review = (env: Record<string, string>) =>
    reviewThroughCli({ DATABASE_URL: state.url, ACCESS_DATABASE_URL: app.url, ...env });

  it('fails the users section when its query writes, and the row is not there', async () => {
    const run = await review({
      ACCESS_USERS_SQL:
        "insert into users (id, tenant_id, email, role) values ('x', 't1', 'x@x.test', 'admin') returning id, email, role, tenant_id",
    });
    expect(run.review.counts.app_user.status).toBe('failed');
    expect(await app.query("select id from users where id = 'x'")).toEqual([]);
  });

  it('refuses an override of several statements that commits and writes, and nothing is written', async () => {
    const run = await review({
      ACCESS_USERS_SQL: `commit; insert into users (id, tenant_id, email, role) values ('sneak', 't1', 'sneak@x.test', 'admin');
        begin; select id, email, role, tenant_id from users`,
    });
    expect(run.review.counts.app_user).toMatchObject({
      status: 'failed',
      note: expect.stringMatching(/^FAILED: ACCESS_USERS_SQL must be one select statement/),
    });
    expect(await app.query("select id from users where id = 'sneak'")).toEqual([]);
    expect(run.review.counts.tenant_setting).toMatchObject({ status: 'ok', total: 3 });
  });

  it('refuses an override that closes the wrapping parenthesis to run a second statement', async () => {
    const run = await review({
      ACCESS_TENANTS_SQL: `select id, name, autopost_enabled, threshold from tenants) as q;
        update tenants set autopost_enabled = true; select * from (select 1`,
    });
    expect(run.review.counts.tenant_setting.note).toMatch(/^FAILED: ACCESS_TENANTS_SQL must be one select statement/);
    expect(await app.query('select id from tenants where autopost_enabled')).toEqual([]);
    expect(run.review.counts.app_user).toMatchObject({ status: 'ok', total: 3 });
  });

  it('reads in a session that is read-only by default, not only in its transaction', async () => {
    const run = await review({
      ACCESS_USERS_SQL: `select id, email, current_setting('default_transaction_read_only') as role, tenant_id from users`,
    });
    expect(new Set(run.csv.filter((r) => r.section === 'app_user').map((r) => r.role))).toEqual(new Set(['on']));
  });

  it('accepts an override that ends with a semicolon or a comment', async () => {
    const run = await review({
      ACCESS_USERS_SQL: 'select id, email, role, tenant_id from users; ',
      ACCESS_TENANTS_SQL: 'select id, name, autopost_enabled, threshold from tenants -- every tenant',
    });
    expect(run.review.counts.app_user).toMatchObject({ status: 'ok', total: 3 });
    expect(run.review.counts.tenant_setting).toMatchObject({ status: 'ok', total: 3 });
  });
});

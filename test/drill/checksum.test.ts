// The content checksum, on real PostgreSQL: blind to row order, session settings and dump format; moved by any
// single value; fine without a primary key.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checksumTable, listTables, type TableSum } from '../../src/backup/checksum.js';
import { closeQuietly, connect } from '../../src/targets/connect.js';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/infra.js';

const run = promisify(execFile);

async function sums(url: string): Promise<Record<string, Omit<TableSum, 'schema' | 'name' | 'hasPrimaryKey'>>> {
  const client = await connect(url, 'the test database');
  try {
    const result: Record<string, Omit<TableSum, 'schema' | 'name' | 'hasPrimaryKey'>> = {};
    for (const table of await listTables(client)) {
      const { rowCount, checksum } = await checksumTable(client, table);
      result[`${table.schema}.${table.name}`] = { rowCount, checksum };
    }
    return result;
  } finally {
    await closeQuietly(client);
  }
}

describeWithPostgres('the content checksum', () => {
  let a: TestDatabase;
  let b: TestDatabase;
  const fixture = (order: 'asc' | 'desc') => `
    create table items (id int primary key, name text, price numeric(10,2), at timestamptz, ratio float8, data jsonb, raw bytea);
    insert into items select g, 'item ' || g, g * 1.5, timestamptz '2026-01-01 00:00:00+00' + g * interval '1 hour',
      g / 7.0, jsonb_build_object('g', g), decode(md5(g::text), 'hex') from generate_series(1, 2000) g order by g ${order};
    create table log (line text, n int);
    insert into log select 'same', 1 from generate_series(1, 3);
    insert into log values (null, 2), ('', 2);`;

  beforeAll(async () => {
    [a, b] = await Promise.all([createTestDatabase('ck_a'), createTestDatabase('ck_b')]);
    await a.query(fixture('asc'));
    await b.query(fixture('desc'));
    // Another server default for dates, floats and the time zone: the checksum session sets its own.
    await b.query(`alter database ${b.name} set timezone = 'Asia/Tokyo'`);
    await b.query(`alter database ${b.name} set datestyle = 'SQL, DMY'`);
    await b.query(`alter database ${b.name} set extra_float_digits = 0`);
  });
  afterAll(() => Promise.all([a?.drop(), b?.drop()]));

  it('is the same for the same rows written in another order, under other session defaults', async () => {
    expect(await sums(b.url)).toEqual(await sums(a.url));
  });

  it('moves when a single value of a single row changes, and only in that table', async () => {
    const before = await sums(b.url);
    await b.query(`update items set price = price + 0.01 where id = 1234`);
    const after = await sums(b.url);
    expect(after['public.items']!.rowCount).toBe(before['public.items']!.rowCount);
    expect(after['public.items']!.checksum).not.toBe(before['public.items']!.checksum);
    expect(after['public.log']).toEqual(before['public.log']);
    await b.query(`update items set price = price - 0.01 where id = 1234`);
    expect(await sums(b.url)).toEqual(before);
  });

  it('tells apart, in a table without a primary key, a missing duplicate and a null from an empty string', async () => {
    const before = (await sums(b.url))['public.log']!;
    await b.query(`delete from log where ctid = (select ctid from log where line = 'same' limit 1)`);
    expect((await sums(b.url))['public.log']!.rowCount).toBe(before.rowCount - 1);
    await b.query(`insert into log values ('same', 1); update log set line = '' where line is null`);
    expect((await sums(b.url))['public.log']).toMatchObject({ rowCount: before.rowCount });
    expect((await sums(b.url))['public.log']!.checksum).not.toBe(before.checksum);
    await b.query(`update log set line = null where ctid = (select ctid from log where line = '' limit 1)`);
    expect((await sums(b.url))['public.log']).toEqual(before);
  });

  it('sees every column of a table that has a column named like the row alias', async () => {
    // `t` names the whole row in the checksum query; a column called t must not take its place.
    await b.query("create table shadowed (t int, note text); insert into shadowed values (1, 'a'), (2, 'b')");
    const before = (await sums(b.url))['public.shadowed']!;
    await b.query("update shadowed set note = 'changed' where t = 1");
    expect((await sums(b.url))['public.shadowed']!.checksum).not.toBe(before.checksum);
    await b.query('drop table shadowed');
  });

  it('comes back equal after a custom-format dump and restore as after a plain SQL one', async () => {
    const custom = await createTestDatabase('ck_c');
    const plain = await createTestDatabase('ck_p');
    try {
      const { stdout: archive } = await run('sh', [
        '-c',
        `pg_dump -Fc "${a.url}" | pg_restore --no-owner -d "${custom.url}" && echo ok`,
      ]);
      await run('sh', ['-c', `pg_dump -Fp --no-owner "${a.url}" | psql -q -v ON_ERROR_STOP=1 "${plain.url}"`]);
      expect(archive.trim()).toBe('ok');
      const expected = await sums(a.url);
      expect(await sums(custom.url)).toEqual(expected);
      expect(await sums(plain.url)).toEqual(expected);
    } finally {
      await Promise.all([custom.drop(), plain.drop()]);
    }
  });
});

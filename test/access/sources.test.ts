// The snapshot's sources, through `opsbot access-review run`: missing credentials are SKIPPED, a non-owner token
// leaves 2FA unknown, other schemas fit through the SQL overrides, GitHub is paged in parallel and its secondary rate
// limits are waited out. That the application database is only read is app-read-only.test.ts.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type FakeGithub,
  generateMembers,
  MEMBER_TOKEN,
  OWNER_TOKEN,
  startFakeGithub,
} from '../support/fake-github.js';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/infra.js';
import { createAppDatabase, reviewThroughCli } from './fixtures.js';

describeWithPostgres('access snapshot sources', () => {
  let app: TestDatabase;
  let state: TestDatabase;
  let github: FakeGithub;
  beforeAll(async () => {
    [app, state, github] = await Promise.all([
      createAppDatabase({ clean: true }),
      createTestDatabase('state'),
      startFakeGithub({
        members: generateMembers(12),
        outsideCollaborators: [{ login: 'contractor', twoFactor: false }],
      }),
    ]);
  });
  afterAll(() => Promise.all([app?.drop(), state?.drop(), github?.stop()]));

  const review = (env: Record<string, string | undefined>) =>
    reviewThroughCli({
      DATABASE_URL: state.url,
      ACCESS_DATABASE_URL: app.url,
      GITHUB_TOKEN: OWNER_TOKEN,
      GITHUB_ORG: 'acme',
      GITHUB_API_URL: github.url,
      ...env,
    });

  it.each([422, 403] as const)(
    'completes the review and says 2FA status is unknown when a non-owner token gets %i',
    async (status) => {
      github.nonOwnerFilterStatus = status;
      const run = await review({ GITHUB_TOKEN: MEMBER_TOKEN });
      expect(run.review.counts.github_member).toMatchObject({
        status: 'ok',
        total: 13,
        twoFactorDisabled: null,
        twoFactorRequired: null,
        note: '2FA status unknown: the token is not an org owner',
      });
      const members = run.csv.filter((r) => r.section === 'github_member' && r.id);
      expect(new Set(members.map((r) => r.two_factor))).toEqual(new Set(['unknown']));
      expect(run.csv).toContainEqual(
        expect.objectContaining({
          section: 'github_member',
          id: '',
          note: '2FA status unknown: the token is not an org owner',
        }),
      );
      expect(run.review.anomalies).toEqual([]);
      expect(run.code).toBe(0);
    },
  );

  it('lists members with their role and flags the one without 2FA for an owner token', async () => {
    const run = await review({});
    const members = run.csv.filter((r) => r.section === 'github_member');
    expect(members).toHaveLength(13);
    expect(run.csv.find((r) => r.section === 'github_org')).toMatchObject({ id: 'acme', two_factor: 'required' });
    expect(members.filter((r) => r.role === 'admin').map((r) => r.id)).toEqual(['user-00001', 'user-00011']);
    expect(members.find((r) => r.id === 'contractor')).toMatchObject({
      role: 'outside_collaborator',
      two_factor: 'disabled',
    });
    expect(run.review.anomalies.map((a: { message: string }) => a.message)).toEqual([
      'GitHub outside collaborator `contractor` has 2FA disabled',
    ]);
    expect(run.code).toBe(1);
  });

  it('says SKIPPED: no credentials for GitHub without a token, and reviews the rest', async () => {
    const run = await review({ GITHUB_TOKEN: undefined });
    expect(run.review.counts.github_member).toMatchObject({ status: 'skipped', note: 'SKIPPED: no credentials' });
    expect(run.csv).toContainEqual(
      expect.objectContaining({ section: 'github_member', note: 'SKIPPED: no credentials' }),
    );
    expect(run.review.counts.app_user).toMatchObject({ status: 'ok', total: 3 });
    expect(run.review.diff.notCompared).toEqual(['github_member']);
    expect(run.review.diff.changes).toEqual([]);
  });

  it('says SKIPPED: no credentials for the application without ACCESS_DATABASE_URL', async () => {
    const run = await review({ ACCESS_DATABASE_URL: undefined });
    expect(run.review.counts.app_user).toMatchObject({ status: 'skipped', note: 'SKIPPED: no credentials' });
    expect(run.review.counts.tenant_setting).toMatchObject({ status: 'skipped', note: 'SKIPPED: no credentials' });
    expect(run.review.counts.github_member.status).toBe('ok');
  });

  it('fails only the GitHub section when GitHub refuses the token, and says so', async () => {
    const run = await review({ GITHUB_TOKEN: 'ghp_revokedToken0000000000000' });
    expect(run.review.counts.github_member.note).toBe('FAILED: GitHub answered 401: Bad credentials');
    expect(run.review.anomalies.map((a: { code: string }) => a.code)).toEqual(['source_failed']);
    expect(run.review.counts.app_user.total).toBe(3);
    expect(`${run.out}${run.err}`).not.toContain('ghp_revokedToken');
  });

  it('fails only the GitHub section when GitHub takes the connection and never answers, within GITHUB_TIMEOUT_MS', async () => {
    const silent = await startFakeGithub({ members: generateMembers(3), delayMs: 600_000 });
    try {
      const started = Date.now();
      // Each request waits 300 ms and is tried once more, a second later: about 2 s, not forever.
      const run = await review({ GITHUB_API_URL: silent.url, GITHUB_TIMEOUT_MS: '300' });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(run.review.counts.github_member).toMatchObject({
        status: 'failed',
        note: 'FAILED: GitHub did not answer within 300 ms (GITHUB_TIMEOUT_MS)',
      });
      expect(run.review.anomalies.map((a: { code: string }) => a.code)).toEqual(['source_failed']);
      expect(run.review.counts.app_user.total).toBe(3);
      // The organisation's own record, asked first, was tried twice: once, and once more a second later.
      expect(silent.requestsTo('/orgs/acme').filter((r) => r.path === '/orgs/acme')).toHaveLength(2);
    } finally {
      await silent.stop();
    }
  }, 40_000);

  it('fails the application sections when the database is unreachable, without showing its password', async () => {
    const run = await review({ ACCESS_DATABASE_URL: 'postgres://reader:s3cretPassw0rd@127.0.0.1:1/app' });
    expect(run.review.counts.app_user).toMatchObject({
      status: 'failed',
      note: expect.stringContaining('FAILED: connect ECONNREFUSED 127.0.0.1:1'),
    });
    expect(run.review.counts.tenant_setting.status).toBe('failed');
    expect(run.review.counts.github_member.status).toBe('ok');
    expect(`${run.out}${run.err}${run.csv.map((r) => r.note).join()}`).not.toContain('s3cretPassw0rd');
  });

  it('reads another schema through ACCESS_USERS_SQL and ACCESS_TENANTS_SQL', async () => {
    await app.query(`create table accounts (uid int primary key, mail text, access text, org text);
      insert into accounts values (7, 'zed@other.test', 'viewer', 'o1');
      create table orgs (oid text, title text, auto boolean, min_conf real); insert into orgs values ('o1', 'other', false, 0.95)`);
    const run = await review({
      ACCESS_USERS_SQL:
        'select uid as id, mail as email, access as role, org as tenant_id, null as tenant_name from accounts',
      ACCESS_TENANTS_SQL: 'select oid as id, title as name, auto as autopost_enabled, min_conf as threshold from orgs',
    });
    expect(run.csv.filter((r) => r.section === 'app_user')).toEqual([
      expect.objectContaining({ id: '7', name: 'zed@other.test', tenant_id: 'o1' }),
    ]);
    expect(run.csv.filter((r) => r.section === 'tenant_setting')).toEqual([
      expect.objectContaining({ id: 'o1', threshold: '0.95', autopost_enabled: 'false' }),
    ]);
  });

  it('fails the section whose query misses a column, naming what is missing', async () => {
    const run = await review({ ACCESS_USERS_SQL: 'select id, email from users' });
    expect(run.review.counts.app_user.note).toBe(
      'FAILED: ACCESS_USERS_SQL must return the columns id, email, role, tenant_id; role, tenant_id missing (it returned id, email)',
    );
    expect(run.review.counts.tenant_setting).toMatchObject({ status: 'ok', total: 3 });
  });

  it('waits out a secondary rate limit and still lists every member', async () => {
    github.rateLimitNext(2, 1);
    const run = await review({});
    expect(run.csv.filter((r) => r.section === 'github_member')).toHaveLength(13);
    expect(run.err).toContain('github secondary rate limit');
  });

  it('fetches the pages of a large org in parallel, never more than the bound at once', async () => {
    const big = await startFakeGithub({ members: generateMembers(1500), delayMs: 100 });
    try {
      const run = await review({ GITHUB_API_URL: big.url });
      expect(run.review.counts.github_member.total).toBe(1500);
      const pages = big.requestsTo('/orgs/acme/members').filter((r) => r.query.role === 'member');
      expect(pages.map((r) => Number(r.query.page)).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 14 }, (_, i) => i + 1),
      );
      expect(pages.every((r) => r.query.per_page === '100')).toBe(true);
      expect(big.maxInFlight).toBeGreaterThan(2);
      expect(big.maxInFlight).toBeLessThanOrEqual(10);
    } finally {
      await big.stop();
    }
  });
});

// Every Slack renderer, fed the hostile corpus where its report carries foreign text (pg errors, GitHub logins,
// app-database names, what users type): nothing forms a mention or a link, nothing breaks Block Kit's limits.
// A new renderer must be added to the table (or to OPSBOT_TEXT_ONLY with why): the test walks the modules' exports.
import { describe, expect, it } from 'vitest';
import type { AccessReview } from '../../src/access/store.js';
import type { AlertObservation } from '../../src/alerts/observation.js';
import { type AlertRow, detailsOf } from '../../src/alerts/store.js';
import { initialPhases } from '../../src/drill/report.js';
import * as backupAlerts from '../../src/render/alerts/drill.js';
import * as smokeAlerts from '../../src/render/alerts/smoke.js';
import * as access from '../../src/render/blocks/access.js';
import * as accessModals from '../../src/render/blocks/access-modals.js';
import * as alert from '../../src/render/blocks/alert.js';
import * as alertActions from '../../src/render/blocks/alert-actions.js';
import * as drill from '../../src/render/blocks/drill.js';
import * as help from '../../src/render/blocks/help.js';
import * as home from '../../src/render/blocks/home.js';
import * as posture from '../../src/render/blocks/posture.js';
import * as retention from '../../src/render/blocks/retention.js';
import * as seed from '../../src/render/blocks/seed.js';
import * as smoke from '../../src/render/blocks/smoke.js';
import { HOSTILE, slackProblems } from '../support/hostile.js';

const all = HOSTILE.join(' ');
const at = '2026-03-04T14:02:00.000Z';
// Configured, not foreign: maskUrl takes seconds over 100 kB (see the report), and a source URL is never that long.
const SOURCE = 'postgres://app:****@db:5432/app';
const holder = { owner: { user: all, kind: 'backup' }, acquiredAt: at } as never;
const checks = HOSTILE.map((h, i) => ({
  path: `/p${i}${h.slice(0, 20)}`,
  ok: false,
  latencyMs: 5,
  attempts: 1,
  reason: h,
  notes: [h],
}));
const smokeReport = {
  env: 'staging',
  baseUrl: 'http://app',
  verdict: 'failed',
  checks,
  startedAt: at,
  finishedAt: at,
  durationMs: 9,
} as never;
const drillReport = {
  kind: 'drill',
  verdict: 'FAIL',
  runId: 'r_1',
  env: 'staging',
  reasons: [...HOSTILE],
  source: SOURCE,
  drillServer: 'x',
  drillDatabase: 'd',
  backup: null,
  versions: {},
  databaseCreated: false,
  databaseDropped: false,
  startedAt: at,
  finishedAt: at,
  tables: HOSTILE.map((h) => ({ schema: h, name: h, ok: false, problem: h, hasPrimaryKey: true })),
  phases: initialPhases().map((p) => ({ ...p, status: 'failed' as const, detail: all })),
  timings: {},
} as never;
const seedReport = {
  verdict: 'failed',
  env: 'staging',
  target: all,
  prefix: 'p',
  count: 1,
  tenants: [all],
  written: {},
  migrationsApplied: [],
  steps: [{ number: 1, title: 'Connect', status: 'failed', detail: all }],
  failure: { step: 1, title: 'Connect', reason: all },
  summary: [{ table: all, rows: 1 }],
  schemaVersion: all,
  shadowReports: [],
  log: [],
  startedAt: at,
  finishedAt: at,
} as never;
const sectionCounts = { status: 'failed', total: 0, note: all, admins: 0, autopostOn: 0, belowThreshold: 0 };
const review: AccessReview = {
  id: 'ar_1',
  runId: 'r_1',
  takenAt: at,
  trigger: 'slash',
  requestedBy: 'U1',
  csvSha256: 'f'.repeat(64),
  counts: {
    app_user: sectionCounts,
    tenant_setting: sectionCounts,
    github_member: {
      ...sectionCounts,
      org: all,
      members: 0,
      outsideCollaborators: 0,
      twoFactorDisabled: null,
      twoFactorRequired: null,
    },
  } as never,
  diff: {
    previousAt: at,
    changes: HOSTILE.map((h) => ({ section: 'app_user', kind: 'added', key: h, detail: h })),
    notCompared: [],
  } as never,
  anomalies: HOSTILE.map((h) => ({ code: 'x', section: 'app_user', message: h })) as never,
  decision: 'flagged',
  decidedBy: 'U2',
  decidedAt: at,
  note: all,
  slackChannel: 'C1',
  slackTs: '1.2',
  issueNumber: 7,
  issueUrl: 'https://github.com/acme/compliance/issues/7',
  remindedAt: null,
};
const postureReport = {
  verdict: 'failed',
  org: 'acme',
  twoFactorRequired: false,
  scopeProblem: all,
  checkedAt: at,
  withoutTwoFactor: HOSTILE.map((login) => ({ login, kind: 'member' })),
} as never;
const retentionReport = {
  id: 'rr_1',
  takenAt: at,
  policies: HOSTILE.map((h, i) => ({
    policy: `p${i}`,
    kind: 'table',
    where: 'staging',
    days: 30,
    cutoff: at,
    deleteAllowed: true,
    lines: [{ what: h, rows: 3, oldest: h, bytes: 10, samples: [h] }],
    statements: [h],
    ...(i % 2 ? { error: h } : {}),
  })),
} as never;
const row = (o: AlertObservation): AlertRow => ({
  id: '1',
  key: o.key,
  status: 'open',
  title: o.title,
  details: detailsOf(o),
  first_seen: new Date(at),
  last_seen: new Date(at),
  occurrences: 2,
  acknowledged_by: null,
  acknowledged_at: null,
  resolved_at: null,
  last_notified_at: null,
  slack_channel: null,
  slack_ts: null,
  email_sent: false,
});
const alertOf = (o: AlertObservation) =>
  alert.alertMessage(row(o), [{ name: 'Logs', url: 'https://logs.example.com' }]);
const msg = (text: string) => ({ text });
const hostileAlert = (): AlertRow => ({
  ...row({ key: 'k', failing: true, title: all, lines: [all], email: { subject: 's', text: 't' } }),
  status: 'acknowledged',
  acknowledged_by: 'U1',
  acknowledged_at: new Date(at),
  ack_checked_at: new Date(at),
});

/** Renderer -> its output with the corpus in every foreign field. */
const homeSummary = {
  user: 'U1',
  roles: ['admin', 'operator', 'reviewer'],
  now: new Date(at),
  alerts: HOSTILE.map((h, i) => ({
    id: String(i),
    key: h,
    status: i % 2 ? 'open' : 'acknowledged',
    title: h,
    first_seen: new Date(at),
    acknowledged_by: i % 2 ? null : h,
    acknowledged_at: new Date(at),
    message: { channel: 'C1', ts: String(i) },
  })),
  alertCount: 40,
  maintenance: HOSTILE.map((h) => ({ id: '1', env: h, startsAt: at, endsAt: at, reason: h, createdBy: h })),
  approvals: HOSTILE.map((h) => ({ id: h, env: h, title: h, ref: h, requestedBy: h, expiresAt: at })),
  access: { id: 'ar_1', takenAt: new Date(at), decision: 'flagged', decidedBy: all, needsYou: false },
  environments: HOSTILE.map((h) => ({
    env: h,
    backup: { at: new Date(at), status: h },
    drill: { at: new Date(at), outcome: h, runId: h },
  })),
  nextRuns: HOSTILE.map((h) => ({ job: h, at: new Date(at) })),
} as never;
// Permalinks come from Slack, but one carrying a forged link must still not become one.
const homeLinks = Object.fromEntries(HOSTILE.map((h, i) => [`C1:${i}`, `https://x|y>${h}`]));
const RENDERED: Record<string, () => { text?: unknown; blocks?: unknown }> = {
  homeView: () => home.homeView(homeSummary, homeLinks),
  homeStatusMessage: () => home.homeStatusMessage(homeSummary, homeLinks),
  resolveModal: () => alertActions.resolveModal(hostileAlert(), '{}', 500),
  alertDm: () => alertActions.alertDm(hostileAlert(), 'ack-check', undefined),
  escalationDm: () => alertActions.alertDm({ ...hostileAlert(), status: 'open' }, 'escalated', undefined),
  resolvedByHand: () =>
    alert.alertMessage(
      // The title is opsbot's (as every observation's); the note is what a person typed.
      {
        ...hostileAlert(),
        title: '🚨 Service staging is down',
        details: { lines: [], email: { subject: 's', text: 't' } },
        status: 'resolved',
        resolved_at: new Date(at),
        resolved_by: 'U1',
        resolve_note: all,
      },
      [],
    ),
  smokeResultMessage: () => smoke.smokeResultMessage(smokeReport, 'r_1', ['U1']),
  smokeObservation: () => alertOf(smokeAlerts.smokeObservation(smokeReport, 'r_1', 'Svc')),
  backupObservation: () =>
    alertOf(
      backupAlerts.backupObservation(
        {
          env: 'staging',
          verdict: 'FAIL',
          reasons: [...HOSTILE],
          source: SOURCE,
          backupId: 'b',
          startedAt: at,
        } as never,
        'r',
        'Svc',
      ),
    ),
  drillObservation: () => alertOf(backupAlerts.drillObservation(drillReport, 'r_1', 'Svc')),
  refusedObservation: () => alertOf(backupAlerts.refusedObservation('drill', 'staging', all, 'Svc')),
  alertMessage: () => alertOf(smokeAlerts.smokeObservation(smokeReport, 'r_1', 'Svc')),
  drillProgressMessage: () => drill.drillProgressMessage(drillReport),
  drillResultMessage: () => drill.drillResultMessage(drillReport),
  drillHistoryText: () =>
    msg(
      drill.drillHistoryText(
        [
          {
            runId: 'r',
            env: 'staging',
            status: 'failed',
            trigger: 'slash',
            actor: 'U1',
            startedAt: new Date(at),
            finishedAt: null,
            error: all,
            outcome: 'FAIL',
          } as never,
        ],
        { r: `https://x|y>${all}` },
      ),
    ),
  busyTextFor: () => msg(drill.busyTextFor('staging', holder)),
  seedConfirmModal: () => ({
    blocks: seed.seedConfirmModal({
      destinations: [{ env: 'staging', host: all, port: 5432, database: all, refusal: all }],
      prefix: all,
      count: all,
      maxTenants: 50,
      metadata: { channel: 'C', user: 'U' },
    }).blocks,
  }),
  seedProgressMessage: () =>
    seed.seedProgressMessage({
      env: 'staging',
      target: all,
      prefix: all,
      count: 1,
      user: 'U1',
      steps: [{ number: 1, title: 'Connect', status: 'done', detail: all }] as never,
    }),
  seedResultMessage: () => seed.seedResultMessage(seedReport, 'r_1', 'U1'),
  seedBusyText: () => msg(seed.seedBusyText('staging', holder)),
  seedRefusalText: () => msg(seed.seedRefusalText('staging', all)),
  reviewMessage: () => access.reviewMessage(review),
  decisionLine: () => msg(access.decisionLine(review) ?? ''),
  anomalyLines: () => msg(access.anomalyLines(review).join('\n')),
  alreadyDecidedText: () => msg(access.alreadyDecidedText(review)),
  reminderText: () => msg(access.reminderText(review, 48, ['U1', 'SGROUP1', all])),
  latestReviewText: () => msg(access.latestReviewText(review, 'https://slack.example/p')),
  evidenceMessage: () =>
    access.evidenceMessage({
      quarter: '2026-Q1',
      generatedAt: at,
      reviews: 1,
      reviewedWeeks: 1,
      gapWeeks: 0,
      pendingWeeks: 0,
      undecided: 0,
      weeks: [{ label: all, status: 'reviewed', reviews: [{ date: all, decision: null, reviewer: 'U1' }] }],
    } as never),
  approveModal: () => ({ blocks: accessModals.approveModal(review, '{"c":"C1"}').blocks }),
  postureAlert: () => alertOf({ key: 'posture', failing: true, ...posture.postureAlert(postureReport, 'r_1') }),
  postureScopeMessage: () => posture.postureScopeMessage(postureReport, 'r_1'),
  retentionReportMessage: () => retention.retentionReportMessage(retentionReport, 'r_1'),
  retentionLatestText: () => msg(retention.retentionLatestText(retentionReport)),
  deletionResultMessage: () =>
    retention.deletionResultMessage({
      deletionId: 'rd_1',
      reportId: 'rr_1',
      requestedBy: 'U1',
      approvedBy: 'U2',
      status: 'failed',
      policies: HOSTILE.map((h) => ({
        policy: 'p',
        deleted: [{ what: h, rows: 1 }],
        before: 1,
        after: 0,
        batches: 1,
        stoppedBy: h,
      })),
      startedAt: at,
      finishedAt: at,
      durationMs: 1,
    }),
};
/** Exports that take no foreign text (titles from configuration, usage, kit helpers) or are covered through another. */
const OPSBOT_TEXT_ONLY = new Set([
  'smokeTitle',
  'smokeUsage',
  'drillTitle',
  'drillUsage',
  'usageText',
  // Help of every command: opsbot's own text; the problem line is escaped by its caller (commands/opsbot.ts).
  'opsbotHelpText',
  'runnableCommands',
  // What the Home links to (channel and ts), for the publisher: no text.
  'homeMessages',
  'homeLinkKey',
  // A run id opsbot made and a permalink: covered through drillHistoryText, fed a forged one.
  'runIdLink',
  'reviewTitle',
  'comparedEarlierLines',
  'comparedEarlier',
  'when',
  'flagModal',
  'alertHeadline',
  'alertStateLine',
  'alertReminderText',
  'alertResolvedText',
  // Slack ids, opsbot's mention of the on-call group and dates only.
  'alertEscalatedText',
  'alertLapsedText',
  'snoozedAnswer',
  'unchangedAnswer',
  'retentionUsage',
  // Ids opsbot made and Slack user ids only.
  'deletionRequestMessage',
  'deletionProgressMessage',
]);
const MODULES = {
  backupAlerts,
  smokeAlerts,
  access,
  accessModals,
  alert,
  alertActions,
  drill,
  help,
  home,
  posture,
  retention,
  seed,
  smoke,
};

describe('every Slack renderer with the hostile corpus', () => {
  it('has a hostile fixture for each exported renderer', () => {
    const functions = Object.values(MODULES).flatMap((m) =>
      Object.entries(m)
        .filter(([, value]) => typeof value === 'function')
        .map(([name]) => name),
    );
    expect(functions.filter((name) => !RENDERED[name] && !OPSBOT_TEXT_ONLY.has(name))).toEqual([]);
  });

  it.each(Object.keys(RENDERED))('%s forms no mention or link and fits Block Kit', (name) => {
    const output = RENDERED[name]!();
    expect(slackProblems(output, 100)).toEqual([]);
    expect(JSON.stringify(output)).toMatch(/&lt;|&amp;/);
  });
});

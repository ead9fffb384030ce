// Every hour: the audit chain's head, anchored outside the bot's database (the backup storage, SLACK_AUDIT_CHANNEL),
// so rows deleted from the chain's end are caught by `opsbot audit verify`.
import type { Job } from '../src/deps.js';
import { anchorAuditChain } from '../src/publish/audit-anchor.js';

export const auditAnchorJob: Job = {
  name: 'audit-anchor',
  defaultSchedule: '5 * * * *',
  async run(deps) {
    const anchor = await anchorAuditChain(deps);
    if (anchor) deps.log.info({ seq: anchor.seq }, 'audit chain anchored');
  },
};

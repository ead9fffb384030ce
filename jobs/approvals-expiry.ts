// Every minute: approval requests whose time is up are expired, their messages updated and GitHub answered, even
// when nobody is waiting for them.
import type { Job } from '../src/deps.js';
import { expireDue } from '../src/publish/approvals.js';

export const approvalsExpiryJob: Job = {
  name: 'approvals-expiry',
  defaultSchedule: '* * * * *',
  async run(deps) {
    const expired = await expireDue(deps);
    if (expired > 0) deps.log.info({ expired }, 'approval requests expired');
  },
};

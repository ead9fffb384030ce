// What each phase of a restore drill is called, wherever a drill's progress or report is shown.
import type { PhaseName } from '../../drill/report.js';

export const PHASE_TITLES: Record<PhaseName, string> = {
  backup: 'Pick the newest backup',
  integrity: 'Check the dump against its sha256',
  restore: 'Restore into a throw-away database',
  verify: 'Compare counts, checksums and the audit chain',
  smoke: 'Smoke checks',
  cleanup: 'Drop the throw-away database',
};

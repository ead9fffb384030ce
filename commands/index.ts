// Registers every Slack surface on the app: one file per capability.
import type { Deps } from '../src/deps.js';
import type { NextRuns } from '../src/publish/home.js';
import type { Surfaces } from '../src/slack/router.js';
import { registerAccessReview } from './access-review.js';
import { registerAlerts } from './alerts.js';
import { registerApprovals } from './approvals.js';
import { registerChangeControl } from './change-control.js';
import { registerDrill } from './drill.js';
import { registerEvidence } from './evidence.js';
import { registerHome } from './home.js';
import { registerOpsbot } from './opsbot.js';
import { registerRetention } from './retention.js';
import { registerSeed } from './seed.js';
import { registerSmoke } from './smoke.js';
import { registerUptime } from './uptime.js';

/** nextRuns: the scheduler's next fires, for the App Home and `/opsbot status` (the scheduler starts after this). */
export function registerCommands(app: Surfaces, deps: Deps, nextRuns: NextRuns = () => []): void {
  registerSmoke(app, deps);
  registerSeed(app, deps);
  registerDrill(app, deps);
  registerAccessReview(app, deps);
  registerAlerts(app, deps);
  registerRetention(app, deps);
  registerChangeControl(app, deps);
  registerUptime(app, deps);
  registerApprovals(app, deps);
  registerEvidence(app, deps);
  registerHome(app, deps, nextRuns);
  registerOpsbot(app, deps, nextRuns);
}

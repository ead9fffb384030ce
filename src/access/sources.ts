// Takes the access snapshot: every source at once, each into its own section (src/access/snapshot.ts).
import type { Deps } from '../deps.js';
import { readAppSources } from './app-source.js';
import { readGithubSource } from './github-source.js';
import type { AccessSnapshot } from './snapshot.js';

export type SnapshotDeps = Pick<Deps, 'config' | 'github' | 'now' | 'log'>;

/** Reads every source concurrently; never throws for a source's failure (that is the section's note). */
export async function takeSnapshot(deps: SnapshotDeps): Promise<AccessSnapshot> {
  const takenAt = deps.now().toISOString();
  const [app, github] = await Promise.all([readAppSources(deps.config.access, deps.log), readGithubSource(deps)]);
  return { takenAt, app_user: app.users, tenant_setting: app.tenants, github_member: github };
}

// The GitHub App: its installation's Octokit (for the deployment protection rule's answer) and webhook signatures.
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { verify } from '@octokit/webhooks-methods';
import type { Config } from '../config.js';
import { timedFetch } from './timed-fetch.js';

export type DeploymentDecision = 'approved' | 'rejected';

export interface GithubApp {
  /** Answers a run waiting on the deployment protection rule, as the app's installation. */
  reviewDeployment(
    target: { owner: string; repo: string; runId: number; installationId: number; environment: string },
    state: DeploymentDecision,
    comment: string,
  ): Promise<void>;
}

/** Undefined without GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY. */
export function createGithubApp(config: Config): GithubApp | undefined {
  const { appId, privateKey } = config.githubApp;
  if (!appId || !privateKey) return undefined;
  const baseUrl = config.github.apiUrl?.replace(/\/$/, '');
  return {
    async reviewDeployment(target, state, comment) {
      const octokit = new Octokit({
        authStrategy: createAppAuth,
        auth: { appId, privateKey, installationId: target.installationId },
        ...(baseUrl ? { baseUrl } : {}),
        userAgent: 'opsbot',
        request: { fetch: timedFetch(config.github.timeoutMs) },
      });
      await octokit.request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule', {
        owner: target.owner,
        repo: target.repo,
        run_id: target.runId,
        environment_name: target.environment,
        state,
        comment,
      });
    },
  };
}

/** Whether X-Hub-Signature-256 signs body with GITHUB_WEBHOOK_SECRET (constant-time, in the library). */
export async function isSignedByGithub(secret: string, body: string, signature: string | undefined): Promise<boolean> {
  if (!signature || !/^sha256=[0-9a-f]{64}$/.test(signature)) return false;
  return verify(secret, body, signature).catch(() => false);
}

// The contract every job uses to report a condition to the alert lifecycle (src/alerts/observe.ts implements it).

export interface AlertObservation {
  /** Dedupe key: one open alert per key, e.g. `smoke:staging`, `backup:staging`, `drill:staging`, `posture:github`. */
  key: string;
  /** This run's verdict: failing observations open (after the threshold) and update; passing ones resolve. */
  failing: boolean;
  /** Consecutive failing observations before the alert opens; default ALERT_FAILURE_THRESHOLD (backups and drills: 1). */
  failureThreshold?: number;
  /** The alert's header, e.g. `🚨 Service staging smoke test failed`. */
  title: string;
  /** What is wrong, one mrkdwn line each (the status of each check, the members at fault). */
  lines: string[];
  /** The URL of what failed (environment base URL, backup source, masked). */
  url?: string;
  runId?: string;
  /** Quick tips for whoever picks it up. */
  tips?: string[];
  email: { subject: string; text: string };
}

export type AlertOutcome = 'quiet' | 'pending' | 'opened' | 'updated' | 'resolved';

// Every scheduled job; the scheduler applies SCHEDULE_<NAME> to each.
import type { Job } from '../src/deps.js';
import { janitorJob } from './janitor.js';
import { smokeJob } from './smoke.js';

export const jobs: Job[] = [janitorJob, smokeJob];

import { webhookDriftJob } from '@/lib/accounts/drift';
import { tokenSweepJob } from '@/lib/accounts/token-sweep';
import type { JobDefinition } from '@/lib/jobs';
import { pruneSignInFailuresJob } from '@/lib/jobs';
import { signupSessionsJob } from '@/lib/onboarding/sessions';
import { sweepJob } from '@/lib/operations/control';
import { refreshSolutionJob } from '@/lib/solutions/jobs';
import { stepJob } from '@/lib/operations/dispatch';
import { revokeCreditLineJob, revokeSweepJob } from '@/lib/webhooks/credit-line-revoke';
import { forwardJob } from '@/lib/webhooks/forwarding';
import { webhookRetentionJob } from '@/lib/webhooks/retention';
import { processJob } from '@/lib/webhooks/processing';
import { recordQualityJob } from '@/lib/readiness/figures';

// Every job kind the workers run (npm start with in-process workers, npm run worker). Adding a job:
// define it beside its work with `defineJob`, and list it here.
export const allJobs: readonly JobDefinition[] = [
  pruneSignInFailuresJob,
  stepJob,
  sweepJob,
  processJob,
  forwardJob,
  revokeCreditLineJob,
  revokeSweepJob,
  recordQualityJob,
  signupSessionsJob,
  refreshSolutionJob,
  webhookDriftJob,
  tokenSweepJob,
  webhookRetentionJob,
];

// Every module that defines jobs, imported by each process that runs workers (npm start, npm run worker)
// so that all job kinds are registered before the queue starts.
import '@/lib/webhooks/forwarding';
import '@/lib/webhooks/processing';
import '@/lib/onboarding/pipeline';
import '@/lib/onboarding/sessions';
import '@/lib/webhooks/credit-line-revoke';

import { notFound } from 'next/navigation';
import { EmbeddedSignup, type SignupActions } from '@/components/signup/embedded-signup';
import { linkProblemMessages } from '@/lib/onboarding/link-messages';
import { findSignupLink, flowLabels, linkProblem, type LinkProblem } from '@/lib/onboarding/links';
import { log } from '@/lib/log';
import { launchConfig, type LaunchConfig } from '@/lib/onboarding/sessions';
import { solutionSignupRefusal } from '@/lib/solutions/limit';

const flowIntro: Record<string, string> = {
  default: 'Connect your WhatsApp Business Account and phone number. It takes about five minutes.',
  coexistence: 'Keep using the WhatsApp Business app on your phone and connect the same number to our platform.',
  waba_only: 'Share your WhatsApp Business Account with us. You can add phone numbers later.',
  mps: 'Connect your WhatsApp Business Account through our partner solution.',
  measurement: 'Give us read-only access to your WhatsApp Business Account so we can measure results. We cannot send messages for you.',
};

export function LinkProblemNotice({ problem }: { problem: LinkProblem }) {
  const message = linkProblemMessages[problem];
  return (
    <section data-testid="link-problem" className="space-y-2">
      <h1 className="text-xl font-semibold">{message.title}</h1>
      <p className="text-sm text-slate-600">{message.body}</p>
    </section>
  );
}

/** The public page behind a signup link: a clear explanation when the link cannot be used (404 for an unknown one). */
export async function SignupPage({ token, actions }: { token: string; actions: SignupActions }) {
  const link = await findSignupLink(token);
  const problem = linkProblem(link);
  if (!link) notFound();
  if (problem) return <LinkProblemNotice problem={problem} />;
  const refused = await solutionSignupRefusal(link);
  if (refused) {
    return (
      <section data-testid="link-problem" className="space-y-2">
        <h1 className="text-xl font-semibold">This signup is paused</h1>
        <p className="text-sm text-slate-600">{refused}</p>
      </section>
    );
  }
  let launch: LaunchConfig;
  try {
    launch = launchConfig(link);
  } catch (error) {
    log.error({ err: error, flow: link.flow }, 'signup link cannot launch');
    return (
      <section data-testid="link-problem" className="space-y-2">
        <h1 className="text-xl font-semibold">This signup is not set up yet</h1>
        <p className="text-sm text-slate-600">Your provider has not finished configuring it. Please let them know; nothing was sent.</p>
      </section>
    );
  }
  return (
    <section className="space-y-5">
      <div>
        <h1 className="text-xl font-semibold">Connect WhatsApp</h1>
        <p className="mt-1 text-sm text-slate-600">{flowIntro[link.flow]}</p>
        <p className="mt-1 text-xs text-slate-500">{flowLabels[link.flow]}</p>
      </div>
      <ol className="list-decimal space-y-1 pl-5 text-sm text-slate-700">
        <li>Click the button and log in with the Facebook account that manages your business.</li>
        <li>Follow the steps in the window that opens. Keep this page open.</li>
        <li>When the window closes, we finish the setup and show you each step here.</li>
      </ol>
      <EmbeddedSignup linkToken={link.token} launch={launch} actions={actions} />
    </section>
  );
}

import type { LinkProblem } from '@/lib/onboarding/links';

/** What a customer reads when a signup link cannot be used. */
export const linkProblemMessages: Record<LinkProblem, { title: string; body: string }> = {
  unknown: {
    title: 'This signup link does not exist',
    body: 'Check that you copied the whole link, or ask your provider for a new one.',
  },
  expired: {
    title: 'This signup link has expired',
    body: 'Signup links work for a limited time. Ask your provider for a new link.',
  },
  used: {
    title: 'This signup link was already used',
    body: 'It was made for a single signup, which has been completed. Ask your provider for a new link if you need to connect another account.',
  },
  disabled: {
    title: 'This signup link is no longer active',
    body: 'Your provider has switched it off. Ask them for a current link.',
  },
};

import { LinkProblemNotice } from '@/components/signup/signup-page';

// An unknown signup link answers 404 with the same plain explanation as the other link problems.
export default function UnknownSignupLink() {
  return <LinkProblemNotice problem="unknown" />;
}

import { useEffect } from 'react';

import { SignUpForm } from '@/features/auth/components/sign-up-form';

export function SignUpRoute() {
  useEffect(() => {
    document.title = 'Create an account · Intake';
  }, []);
  return <SignUpForm />;
}

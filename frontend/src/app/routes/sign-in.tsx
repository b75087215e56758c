import { useEffect } from 'react';

import { SignInForm } from '@/features/auth/components/sign-in-form';

export function SignInRoute() {
  useEffect(() => {
    document.title = 'Sign in · Intake';
  }, []);
  return <SignInForm />;
}

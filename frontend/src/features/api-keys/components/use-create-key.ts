import { type FormEvent, useState } from 'react';

import { ApiError } from '@/lib/api-client';
import type { ApiKeyCreated } from '@/types/api';

import { createKey } from '../api/create-key';

/** The new-key form's state: the name typed, the call, its error and the key just created. */
export function useCreateKey({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setError(new ApiError(400, 'invalid', 'Give the key a name.', { name: ['Give the key a name.'] }));
      return;
    }
    setCreating(true);
    setError(null);
    try {
      setCreated(await createKey(name.trim()));
      onCreated();
      setName('');
    } catch (err) {
      setError(err);
    } finally {
      setCreating(false);
    }
  };

  return { name, setName, creating, error, created, setCreated, submit };
}

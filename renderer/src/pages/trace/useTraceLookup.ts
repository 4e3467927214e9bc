import { useCallback } from 'react';
import { call } from '../../api/client';

/** trace.lookup as a plain async function, for scan boxes that resolve a code to its drug and place. */
export function useApiLookup() {
  return useCallback((code: string) => call('trace.lookup', { code }), []);
}

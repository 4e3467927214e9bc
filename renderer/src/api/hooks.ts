import { useMutation, useQuery, useQueryClient, type QueryClient, type UseQueryOptions } from '@tanstack/react-query';
import { App } from 'antd';
import type { FormInstance } from 'antd';
import type { MethodInput, MethodName, MethodOutput } from '../../../shared/contract';
import { ApiError, call } from './client';
import { familiesRefreshedBy } from '../../../shared/contract/refreshes';

/** Reads one API method; the query key is the method name and its input. */
export function useApiQuery<K extends MethodName>(
  method: K,
  input?: MethodInput<K>,
  options?: Omit<UseQueryOptions<MethodOutput<K>, ApiError>, 'queryKey' | 'queryFn'>,
) {
  return useQuery<MethodOutput<K>, ApiError>({
    queryKey: [method, input ?? {}],
    queryFn: () => call(method, input),
    ...options,
  });
}

/** Shows field-level problems from the server on the form, so the user sees them where they typed. */
export function applyFieldErrors(form: FormInstance | undefined, err: unknown): void {
  if (!form || !(err instanceof ApiError) || err.issues.length === 0) return;
  form.setFields(err.issues.filter((i) => i.path).map((i) => ({ name: i.path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)), errors: [i.message] })));
}

/**
 * A write through the API. On success the listed query prefixes (method names) refresh; any error is
 * shown as a message (and on the form's fields when given).
 */
/**
 * After a write: every query of the families the contract says it touches (shared/contract/refreshes.ts), plus any
 * method a screen names on top. Queries on screen are fetched again; the others only marked stale.
 */
export function refreshAfter(client: QueryClient, method: MethodName, also: readonly MethodName[] = []): Promise<void> {
  const families = familiesRefreshedBy(method);
  const named = new Set<string>(also);
  return client.invalidateQueries({
    predicate: (q) => {
      const key = String(q.queryKey[0]);
      return families.has(key.split('.')[0]) || named.has(key);
    },
  });
}

export function useApiMutation<K extends MethodName>(
  method: K,
  opts: { invalidates?: MethodName[]; success?: string; form?: FormInstance; onSuccess?: (out: MethodOutput<K>) => void } = {},
) {
  const client = useQueryClient();
  const { message } = App.useApp();
  return useMutation<MethodOutput<K>, ApiError, MethodInput<K>>({
    mutationFn: (input) => call(method, input),
    onSuccess: async (out) => {
      if (opts.success) message.success(opts.success);
      await refreshAfter(client, method, opts.invalidates);
      opts.onSuccess?.(out);
    },
    onError: (err) => {
      message.error(err.message);
      applyFieldErrors(opts.form, err);
    },
  });
}

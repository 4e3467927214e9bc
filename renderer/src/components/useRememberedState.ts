import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useSession } from '../stores/session';

/** Where a choice is kept: per user (two people at one PC keep their own) and per page. */
export const rememberedKey = (userId: number | undefined, page: string, name: string) => `santong.remembered.${userId ?? 0}.${page}.${name}`;

function read<T>(key: string, initial: T, valid: (v: unknown) => v is T): T {
  try {
    const raw = localStorage.getItem(key);
    if (raw === null) return initial;
    const v: unknown = JSON.parse(raw);
    return valid(v) ? v : initial;
  } catch {
    return initial;
  }
}

/**
 * useState whose value (a 库房, a clinic, a period, a date range, a paper) is remembered for this user and
 * page in localStorage and restored on the next visit. `valid` drops a stored value of another shape (an
 * older version's, or one edited by hand), so the page starts from `initial` rather than breaking.
 */
export function useRememberedState<T>(page: string, name: string, initial: T, valid: (v: unknown) => v is T): [T, (v: T) => void] {
  const userId = useSession((s) => s.user?.id);
  const key = rememberedKey(userId, page, name);
  const [value, setValue] = useState<T>(() => read(key, initial, valid));
  const set = useCallback(
    (v: T) => {
      setValue(v);
      try {
        if (v === undefined) localStorage.removeItem(key);
        else localStorage.setItem(key, JSON.stringify(v));
      } catch {
        // Storage full or disabled: the choice holds for this visit only.
      }
    },
    [key],
  );
  return [value, set];
}

export const isId = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
export const isOptionalId = (v: unknown): v is number | undefined => v === undefined || isId(v);
export const isDateRange = (v: unknown): v is [string, string] =>
  Array.isArray(v) && v.length === 2 && v.every((d) => typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d)) && v[0] <= v[1];
export const oneOf =
  <T extends string>(values: readonly T[]) =>
  (v: unknown): v is T =>
    typeof v === 'string' && (values as readonly string[]).includes(v);

const isText = (v: unknown): v is string => typeof v === 'string';

/**
 * useSearchParams for a page whose filters live in its address (?store=3&kind=stockout), remembered for this user
 * and page: opened from the menu (no query) it shows the filters last chosen; opened from a link that carries its
 * own filters (a workbench card), those win and become the remembered ones. `omit` (the page number) is not kept.
 */
export function useRememberedSearchParams(page: string, omit: readonly string[] = ['page']) {
  const [params, setParams] = useSearchParams();
  const [remembered, remember] = useRememberedState(page, 'filters', '', isText);
  /** The filters worth keeping: the address's query without the `omit` keys. */
  const keptQuery = (from: URLSearchParams) => {
    const kept = new URLSearchParams(from);
    for (const k of omit) kept.delete(k);
    return kept.toString();
  };
  const query = keptQuery(params);
  const opening = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the filters change, and once on opening
  useEffect(() => {
    if (opening.current) {
      opening.current = false;
      if (!params.toString() && remembered) return setParams(new URLSearchParams(remembered), { replace: true });
    }
    remember(query);
  }, [query]);
  /**
   * Sets or (with an empty value) removes filters, and goes back to the first page unless the patch names one. Built
   * on the address as it is now, not as this component last rendered it: the router re-renders in a transition that
   * typing can hold back, and a patch built on the older filters dropped one just chosen (a 类型 lost to a search
   * typed right after it, seen in the browser tests under load).
   */
  // biome-ignore lint/correctness/useExhaustiveDependencies: keptQuery reads only `omit`, which is listed
  const patchParams = useCallback(
    (patch: ParamPatch) => {
      const next = new URLSearchParams(window.location.search);
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined || v === null || v === '') next.delete(k);
        else next.set(k, String(v));
      }
      if (!('page' in patch)) next.delete('page');
      setParams(next, { replace: true });
      // Kept now, not only once the page has re-rendered: someone who leaves at once still finds the choice.
      remember(keptQuery(next));
    },
    [setParams, remember, omit],
  );
  const clearParams = useCallback(() => {
    setParams(new URLSearchParams(), { replace: true });
    remember('');
  }, [setParams, remember]);
  return { params, patchParams, clearParams, query };
}

export type ParamPatch = Record<string, string | number | null | undefined>;

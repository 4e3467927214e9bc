/**
 * Canonical JSON: object keys sorted, no spaces, arrays in order. Hub and server serialise a section or the
 * manifest this way before hashing or signing, so the bytes do not depend on who produced the object.
 * Numbers must be finite (integers for money and quantities); undefined fields are left out, as JSON does.
 *
 * Done by JSON.stringify with the sorted list of every key that occurs at any depth as its replacer: it writes each
 * object's properties in the list's order, i.e. sorted, at native speed (a month of a large hub is 10⁵ rows).
 */
export function canonicalJson(value: unknown): string {
  const keys = new Set<string>();
  collectKeys(value, keys);
  return JSON.stringify(value, [...keys].sort()) ?? 'null';
}

function collectKeys(value: unknown, keys: Set<string>): void {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('canonicalJson: number is not finite');
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collectKeys(v, keys);
    return;
  }
  for (const k in value as Record<string, unknown>) {
    keys.add(k);
    collectKeys((value as Record<string, unknown>)[k], keys);
  }
}

/** How well each supervision rule finds the cases planted in a generated history. */
export interface RuleScore {
  plants: number;
  signals: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

/**
 * Scores each rule's signals against its plants by fingerprint, prints the table (and every miss or extra signal,
 * so a failure says which case), and returns it for the test's thresholds.
 */
export function scoreRules(
  rules: readonly string[],
  plants: readonly { rule: string; fingerprint: string }[],
  signals: readonly { ruleKey: string; fingerprint: string; summary: string }[],
): Record<string, RuleScore> {
  const table: Record<string, RuleScore> = {};
  const misses: string[] = [];
  for (const rule of rules) {
    const expected = new Set(plants.filter((p) => p.rule === rule).map((p) => p.fingerprint));
    const got = signals.filter((s) => s.ruleKey === rule);
    const tp = got.filter((s) => expected.has(s.fingerprint)).length;
    const fn = [...expected].filter((f) => !got.some((s) => s.fingerprint === f));
    misses.push(...fn.map((f) => `missed ${f}`), ...got.filter((s) => !expected.has(s.fingerprint)).map((s) => `extra ${s.fingerprint}: ${s.summary}`));
    table[rule] = {
      plants: expected.size,
      signals: got.length,
      tp,
      fp: got.length - tp,
      fn: fn.length,
      precision: got.length ? tp / got.length : 1,
      recall: expected.size ? tp / expected.size : 1,
    };
  }
  console.table(table);
  if (misses.length) console.log(misses.join('\n'));
  return table;
}

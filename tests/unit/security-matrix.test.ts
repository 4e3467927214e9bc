import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type AnyMethod, type MethodName } from '../../shared/contract';
import { COLUMN_ROLE, expectedOutcome, MATRIX_COLUMNS, renderAccessMatrix, type MatrixColumn } from '../../electron/tools/access-matrix';
import { createSecurityFixture, type SecurityFixture } from '../security/fixture';
import { samples, type MethodSample, type SampleContext } from '../security/samples';
import { businessChecksum } from '../security/checksum';

/**
 * Checks every cell of docs/access-matrix.md against the running HTTP server: each method, called with a
 * real session of each role (a brand-new account per cell), with records of the doctor's own clinic (A)
 * and of another clinic (B). A refused call must change no business table.
 */

let f: SecurityFixture;
const tally = { allowed: 0, refused: 0, filtered: 0 };
/** Allowed cells that got a business refusal (404/409/422) rather than 200: worth a look when a sample is new. */
const businessAnswers: string[] = [];
beforeAll(async () => {
  f = await createSecurityFixture();
}, 120_000);
afterAll(async () => {
  console.log(`access matrix: ${tally.allowed} allowed, ${tally.refused} refused, ${tally.filtered} filtered cells checked over HTTP`);
  if (businessAnswers.length) console.log(`allowed cells answered with a business refusal:\n  ${businessAnswers.join('\n  ')}`);
  await f?.close();
});

describe('access matrix document', () => {
  it('docs/access-matrix.md matches the contract (run `npm run docs:access` after changing it)', () => {
    const file = path.resolve(import.meta.dirname, '../../docs/access-matrix.md');
    expect(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '(missing)').toBe(renderAccessMatrix());
  });

  it('has a sample for every method, of the right shape', () => {
    const problems: string[] = [];
    for (const [name, spec] of Object.entries(api) as [MethodName, AnyMethod][]) {
      const sample = samples[name] as MethodSample<MethodName> | undefined;
      if (!sample) problems.push(`${name}: no sample — add one to tests/security/samples.ts`);
      else if (spec.clinicScoped && 'input' in sample)
        problems.push(`${name}: clinic-scoped, so its sample needs \`own\` and \`other\` (or \`otherFiltered\`), not \`input\``);
      else if (!spec.clinicScoped && !('input' in sample)) problems.push(`${name}: not clinic-scoped, so its sample needs \`input\``);
    }
    for (const name of Object.keys(samples)) if (!(name in api)) problems.push(`${name}: sample for a method that no longer exists`);
    expect(problems, problems.join('\n')).toEqual([]);
  });
});

type Variant = 'own' | 'other';

function builderFor(sample: MethodSample<MethodName>, variant: Variant) {
  if ('input' in sample) return sample.input;
  if (variant === 'own' || !('other' in sample)) return sample.own;
  return sample.other;
}

/** Refused cells first, so a write that is allowed later cannot hide a refusal that should have happened. */
function orderedColumns(spec: AnyMethod): MatrixColumn[] {
  const rank = (c: MatrixColumn) => (expectedOutcome(spec, c).outcome === 'refused' ? 0 : 1);
  return [...MATRIX_COLUMNS].sort((a, b) => rank(a) - rank(b));
}

describe('every cell against the running server', () => {
  for (const [name, spec] of Object.entries(api) as [MethodName, AnyMethod][]) {
    it(name, async () => {
      const sample = samples[name] as MethodSample<MethodName> | undefined;
      if (!sample) throw new Error(`No access-matrix sample for "${name}": add one to tests/security/samples.ts (see the comment at its top).`);
      for (const column of orderedColumns(spec)) {
        const expected = expectedOutcome(spec, column);
        if (expected.outcome === 'n/a') continue;
        const role = COLUMN_ROLE[column];
        const filtered = column === 'doctorOther' && 'otherFiltered' in sample;
        const variants: Variant[] =
          column === 'doctorOther' ? ['other'] : spec.clinicScoped && role !== 'village_doctor' && !('otherFiltered' in sample) ? ['own', 'other'] : ['own'];
        for (const variant of variants) {
          const user = role ? f.newUser(role) : null;
          const ctx: SampleContext = { f, user };
          const input = await builderFor(sample, filtered ? 'own' : variant)(ctx);
          const before = expected.outcome === 'refused' ? businessChecksum(f.hub.runtime.app.db) : null;
          const res = await f.hub.post(name, input, user ? { cookie: f.cookieFor(user) } : {});
          const got = `${res.status} ${res.json?.error?.code ?? ''} ${res.json?.error?.message ?? ''}`.trim();
          const cell = `${name} as ${column}${variants.length > 1 ? ` (${variant} clinic's record)` : ''}`;

          if (expected.outcome === 'refused' && !filtered) {
            expect(res.status, `${cell}: expected ${expected.status} ${expected.code}, got ${got}`).toBe(expected.status);
            expect(res.json.error.code, `${cell}: expected ${expected.code}, got ${got}`).toBe(expected.code);
            expect(businessChecksum(f.hub.runtime.app.db), `${cell}: a refused call changed business data`).toBe(before);
            tally.refused++;
          } else if (sample.stateRefusal && res.status === sample.stateRefusal.status && res.json?.error?.code === sample.stateRefusal.code) {
            tally.allowed++; // refused by the fixture's state for everyone, as the sample declares
            businessAnswers.push(`${cell}: ${got} (${sample.stateRefusal.why})`);
          } else {
            expect(res.status, `${cell}: expected to be allowed, got ${got}`).not.toBeOneOf([401, 403]);
            expect(res.status, `${cell}: server fault: ${got}`).toBeLessThan(500);
            expect(
              res.json?.error?.code,
              `${cell}: the sample input is invalid (update tests/security/samples.ts): ${got} ${JSON.stringify(res.json?.error?.issues ?? [])}`,
            ).not.toBe('VALIDATION');
            if (filtered) {
              expect(res.status, `${cell}: expected the doctor's own rows, got ${got}`).toBe(200);
              const problems = (sample as { otherFiltered: (o: unknown, c: SampleContext) => string[] }).otherFiltered(res.json, ctx);
              expect(problems, `${cell}: another clinic's data leaked`).toEqual([]);
              tally.filtered++;
            } else {
              tally.allowed++;
              if (res.status !== 200) businessAnswers.push(`${cell}: ${got}`);
            }
          }
        }
      }
    });
  }
});

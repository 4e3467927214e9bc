/**
 * A refused input names the field as the screen shows it ("第 1 行 本次出库数量"), never a machine path
 * (`lines.0.qty`), for every method of the contract; the machine path stays in the issues for the form to mark.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { api } from '../../shared/contract';
import { defOf, fieldPlace, unwrap } from '../../shared/contract/field-place';
import { createClinic, createTestHub, createUser, type TestHub } from '../helpers/runtime';
import { seedDrug, seedSupplier } from '../helpers/stock';

/** An input that refuses every required field, with one empty row in every list of rows, to the second level. */
function refusedEverywhere(schema: z.ZodType, depth = 0): unknown {
  const def = defOf(unwrap(schema));
  if (def.type !== 'object' || !def.shape) return {};
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(def.shape)) {
    const inner = defOf(unwrap(field));
    if (inner.type === 'array' && inner.element && defOf(unwrap(inner.element)).type === 'object' && depth < 2)
      out[key] = [refusedEverywhere(inner.element, depth + 1)];
    else out[key] = Symbol('not a value');
  }
  return out;
}

describe('where a refused field is', () => {
  it('reads as the screen shows it', () => {
    const input = api['deliveries.create'].input;
    expect(fieldPlace(input, ['lines', 0, 'qty'])).toBe('第 1 行 本次出库数量');
    expect(fieldPlace(input, ['lines', 2, 'traceCodes', 3])).toBe('第 3 行 拣货时扫码的各盒 第 4 个');
    expect(fieldPlace(input, ['note'])).toBe('备注');
  });

  it('is named for every field of every method, nested rows included', () => {
    const unnamed: string[] = [];
    for (const [name, spec] of Object.entries(api) as [string, { input: z.ZodType }][]) {
      const parsed = spec.input.safeParse(refusedEverywhere(spec.input));
      if (parsed.success) continue;
      for (const issue of parsed.error.issues) {
        if (issue.path.length === 0) continue;
        const place = fieldPlace(spec.input, issue.path);
        if (!place || /[a-z]\.\d|\.[a-z]/i.test(place)) unnamed.push(`${name}: ${issue.path.join('.')} → ${place}`);
      }
    }
    expect(unnamed).toEqual([]);
  });
});

describe('a refused input at the boundary', () => {
  let hub: TestHub;
  let drugId: number;
  beforeAll(async () => {
    hub = await createTestHub();
    const clinic = await createClinic(hub, 'C01', '东湖村卫生室');
    await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId: clinic.id });
    drugId = seedDrug(hub, { name: '阿莫西林胶囊', packSize: 24, supplierId: seedSupplier(hub), packPrice: 2_880_000 }).id;
  });
  afterAll(() => hub.close());

  it('says the row and the field in Chinese, and keeps the machine path for the form', async () => {
    const doctor = await createUser(hub, { username: 'cy02', role: 'village_doctor', clinicId: (await createClinic(hub, 'C02', '西岭村卫生室')).id });
    const refused = await doctor
      .call('requisitions.submit', {
        submitToken: 'field-place-1',
        note: null,
        lines: [
          { drugId, qty: 24, enteredIn: 'base', note: null },
          { drugId, qty: -5, enteredIn: 'base', note: null },
        ],
      })
      .catch((e) => e);
    expect(refused.code).toBe('VALIDATION');
    expect(refused.message).toMatch(/^输入有误：第 2 行 [^a-z.]+：数量必须大于 0/);
    expect(refused.message).not.toContain('lines.');
    expect(refused.issues[0]).toMatchObject({ path: 'lines.1.qty', place: expect.stringMatching(/^第 2 行 /) });
  });
});

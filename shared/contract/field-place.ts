/**
 * Where a refused input is, in the words the screen uses: `lines.0.qty` of 出库 reads "第 1 行 本次出库数量". The
 * contract already names every field in its description (`about(qty, '本次出库数量')` → "本次出库数量；…"), so the
 * words come from the schema itself and cannot drift from the form that sent them. Machine paths stay in the issues.
 */
import type { z } from 'zod';
import { descriptionOf } from './describe';

/** A schema's definition, as far as the walk below reads it. */
export type SchemaDef = {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
};

export const defOf = (schema: z.ZodType) => schema._zod.def as unknown as SchemaDef;

/** The schema under optional, nullable, default, pipe and the like. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let i = 0; i < 20; i++) {
    const def = defOf(s);
    if (def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else break;
  }
  return s;
}

function childOf(schema: z.ZodType, key: PropertyKey): z.ZodType | undefined {
  const def = defOf(unwrap(schema));
  if (def.type === 'object' && typeof key === 'string') return def.shape?.[key];
  if (def.type === 'array') return def.element;
  if (def.type === 'record') return def.valueType;
  if (def.type === 'union')
    for (const option of def.options ?? []) {
      const found = childOf(option, key);
      if (found) return found;
    }
  return undefined;
}

/** A field's name as a person reads it: its description up to the first rule ("数量 [最小单位]；须大于 0" → "数量"). */
export function fieldWords(schema: z.ZodType): string | null {
  const text = descriptionOf(schema);
  if (!text) return null;
  const head = text
    .split(/[：；，。（([]/)[0]
    .replace(/`[^`]*`/g, '')
    .trim();
  // A description that starts with a method or field code is for integrators, not the person at the form.
  return head.length > 0 && head.length <= 20 && !/[A-Za-z_]+\.[A-Za-z_]/.test(head) ? head : null;
}

/** "第 2 行 批号", "备注", "第 1 行 追溯码 第 3 个"; null when the path names nothing the schema describes. */
export function fieldPlace(schema: z.ZodType, path: readonly PropertyKey[]): string | null {
  const words: string[] = [];
  let current: z.ZodType | undefined = schema;
  let rows = 0;
  path.forEach((key, i) => {
    if (!current) return;
    const next: z.ZodType | undefined = childOf(current, key);
    if (typeof key === 'number') {
      words.push(rows === 0 ? `第 ${key + 1} 行` : `第 ${key + 1} 个`);
      rows += 1;
    } else if (typeof key === 'string' && next) {
      const name = fieldWords(next);
      // The first list's name goes without saying before its rows: "第 1 行 数量", not "明细 第 1 行 数量".
      const listOfRows = defOf(unwrap(next)).type === 'array' && rows === 0 && typeof path[i + 1] === 'number';
      if (name && !listOfRows) words.push(name);
    }
    current = next;
  });
  return words.length > 0 ? words.join(' ') : null;
}

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { api, type AnyMethod } from '../../shared/contract';

/**
 * docs/api.md must let an integrator drive the API without reading code: every field of every method,
 * input and output, at any depth, says its unit and rules (zod `.describe()` in shared/contract). The walk
 * is over the JSON Schema the docs are rendered from, so a field the docs show is a field checked here.
 */

type Json = {
  type?: string | string[];
  description?: string;
  properties?: Record<string, Json>;
  items?: Json;
  anyOf?: Json[];
  oneOf?: Json[];
  additionalProperties?: boolean | Json;
  enum?: unknown[];
  const?: unknown;
  propertyNames?: Json;
};

/**
 * Fields whose description would say nothing: `method input|output path` → why. Keep it short.
 * (Empty today: every field has something worth saying.)
 */
const NO_DESCRIPTION_NEEDED: Record<string, string> = {};

interface Field {
  where: string;
  schema: Json;
  description: string | undefined;
  nullable: boolean;
}

/** Every property of every object in the tree, through arrays, nullable wrappers, unions and records. */
function fields(schema: Json, where: string, out: Field[] = []): Field[] {
  for (const branch of schema.anyOf ?? schema.oneOf ?? []) fields(branch, where, out);
  if (schema.items) fields(schema.items, `${where}[]`, out);
  if (typeof schema.additionalProperties === 'object') fields(schema.additionalProperties, `${where}{}`, out);
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const path = where ? `${where}.${key}` : key;
    const union = prop.anyOf ?? prop.oneOf;
    const inner = union?.length === 2 && union.some((b) => b.type === 'null') ? union.find((b) => b.type !== 'null')! : null;
    const own = prop.description ?? inner?.description;
    // An array of plain values is one row in the docs: its items' words count as the field's.
    const items = (inner ?? prop).items;
    const itemWords = items && !items.properties ? items.description : undefined;
    const description = [own, itemWords].filter(Boolean).join('。') || undefined;
    out.push({ where: path, schema: inner ?? prop, description, nullable: inner !== null });
    fields(prop, path, out);
  }
  return out;
}

function everyField(): { key: string; field: Field }[] {
  const all: { key: string; field: Field }[] = [];
  for (const [name, spec] of Object.entries(api) as [string, AnyMethod][]) {
    for (const io of ['input', 'output'] as const) {
      const json = z.toJSONSchema(spec[io], { io, unrepresentable: 'any' }) as Json;
      for (const field of fields(json, '')) all.push({ key: `${name} ${io} ${field.where}`, field });
    }
  }
  return all;
}

/** Values a field may take or key by: an enum, an array of one, or a record's enum keys. */
const enumValues = (s: Json): unknown[] => s.enum ?? (s.type === 'array' && s.items ? enumValues(s.items) : (s.propertyNames?.enum ?? []));

describe('API contract descriptions (docs/api.md)', () => {
  const all = everyField();

  it('walks the whole contract', () => {
    expect(all.length).toBeGreaterThan(3000);
  });

  it('describes every input and output field of every method', () => {
    const missing = all.filter(({ key, field }) => !field.description?.trim() && !(key in NO_DESCRIPTION_NEEDED)).map((f) => f.key);
    expect(missing).toEqual([]);
    // An allow-list entry must name a field that exists and still has no description.
    const byKey = new Map(all.map((f) => [f.key, f.field]));
    const stale = Object.keys(NO_DESCRIPTION_NEEDED).filter((key) => !byKey.has(key) || byKey.get(key)!.description !== undefined);
    expect(stale).toEqual([]);
  });

  it('says what null means wherever a field may be null', () => {
    const silent = all.filter(({ field }) => field.nullable && !/null/.test(field.description ?? '')).map((f) => f.key);
    expect(silent).toEqual([]);
  });

  it('names every value of an enum in its description', () => {
    const unnamed = all.flatMap(({ key, field }) =>
      enumValues(field.schema)
        .filter((v) => !field.description?.includes(String(v)))
        .map((v) => `${key}: ${String(v)}`),
    );
    expect(unnamed).toEqual([]);
  });

  it('says per pack or per base unit for every price (a field named …price or …cost, or in micro-yuan)', () => {
    const vague = all
      .filter(({ key, field }) => /(price|cost)$/i.test(key) || /micro-yuan|百万分之一元/.test(field.description ?? ''))
      .filter(({ field }) => !/每包装单位|每最小单位|per pack|per base unit/.test(field.description ?? ''))
      .map((f) => f.key);
    expect(vague).toEqual([]);
  });
});

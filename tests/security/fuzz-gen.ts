/**
 * Hostile request bodies for the fuzz test, generated from each method's input schema (z.toJSONSchema)
 * and its valid sample: wrong types, boundary and huge numbers, odd Unicode, SQL metacharacters, missing,
 * extra, duplicated and prototype-polluting keys, invalid JSON, wrong content types, oversized bodies,
 * huge arrays and deep nesting. Deterministic for a seed.
 */
import fc from 'fast-check';
import { z } from 'zod';

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  default?: unknown;
};

export function inputSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/** A token written into the JSON text as is (invalid numbers, duplicate keys, deep nesting). */
export class Raw {
  constructor(readonly text: string) {}
}
/** Extra "key": raw-value entries appended to an object's JSON text, duplicates and "__proto__" included. */
export const EXTRA = Symbol('extra entries');
type Extra = { [EXTRA]?: [string, string][] };

export function serialize(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : serialize(x))).join(',')}]`;
  if (v && typeof v === 'object') {
    const parts = Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => `${JSON.stringify(k)}:${serialize(x)}`);
    for (const [k, raw] of (v as Extra)[EXTRA] ?? []) parts.push(`${JSON.stringify(k)}:${raw}`);
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** Small seeded PRNG (mulberry32): the whole run is reproducible from one number. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

// ── value pools ──────────────────────────────────────────────────────────────────────────────────
const NUMBERS: unknown[] = [
  -1,
  0,
  1,
  1.5,
  -0.5,
  0.1,
  2 ** 31,
  2 ** 31 - 1,
  -(2 ** 31),
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  1e15,
  1e21,
  1e308,
  -1e308,
  5e-324,
  1e-7,
  -999999999999,
  new Raw('1e400'),
  new Raw('-1e400'),
  new Raw('-0'),
  new Raw('0.0000000000000000000000001'),
  new Raw('123456789012345678901234567890'),
  new Raw('1E2'),
  new Raw('00012'),
];
const NUMBER_LIKE_STRINGS = [
  '1',
  '-1',
  '0',
  '',
  ' 1 ',
  '1e3',
  '0x10',
  'NaN',
  'Infinity',
  '-Infinity',
  '１２３',
  '1,000',
  '1_000',
  '١٢٣',
  'null',
  'undefined',
  'true',
];
const SQL = [
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '" OR 1=1 --',
  '1; DELETE FROM ledger',
  "x' UNION SELECT password_hash FROM users --",
  '%',
  '_',
  "%' --",
  '\\',
  '`',
  '$1',
  '?',
  ':id',
  '@p',
  '/*',
  '*/',
  'char(0)',
  "') OR ('a'='a",
  "admin'--",
  "1' AND sqlite_version()>'0",
  'ATTACH DATABASE "/tmp/x" AS x',
  "'||(SELECT token_hash FROM sessions)||'",
];
const ODD = [
  '\u202Eevil\u202C',
  '\u200B\u200C\u200D\u2060\uFEFF',
  '👨‍👩‍👧‍👦🏳️‍🌈',
  'e\u0301'.repeat(300),
  'a\u0000b',
  '\u0000',
  '\u0001\u001f\u007f',
  '\r\n\t',
  '   ',
  '\u3000',
  '\u00A0',
  'ｆｕｌｌｗｉｄｔｈ',
  '𠀀𪚥𰻞',
  'İıẞß',
  '\u0627\u0644\u0639\u0631\u0628\u064A\u0629',
  '<script>alert(1)</script>',
  '{{7*7}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as plain text on purpose
  '${7*7}',
  '%s%n%x',
  '../../../etc/passwd',
  'C:\\Windows\\system32',
  '2026-02-30',
  '0000-00-00',
  '9999-12-31',
  '2026-13-01',
  '2026-00',
  '-2026-01-01',
  '2026-1-1',
  'T00:00:00Z',
  'Z12345',
  'X'.repeat(51),
];
/** Lone surrogates, escaped in the JSON text as a browser could send them. */
const LONE_SURROGATES = [new Raw('"\\ud800"'), new Raw('"\\udfff"'), new Raw('"a\\ud83d"'), new Raw('"\\udc00\\ud800"'), new Raw('"\\u0000"')];
const LONG = ['A'.repeat(100_000), '中'.repeat(60_000), '😀'.repeat(30_000), 'x'.repeat(257), 'x'.repeat(4097)];
const WRONG_TYPES: unknown[] = [null, true, false, [], {}, [1, 2], { id: 1 }, [null], '', 'x'];
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];
const EXTRA_KEYS = [
  'isAdmin',
  'role',
  'clinicId',
  'userId',
  'id',
  'active',
  'status',
  '',
  ' ',
  'a.b',
  'lines[0]',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '中文键',
  '\u0000',
];

let fcStrings: string[] | undefined;
/** Arbitrary strings from fast-check: any code unit (lone surrogates too), graphemes, ASCII. */
function fastCheckStrings(seed: number): string[] {
  fcStrings ??= [
    ...fc.sample(fc.string({ unit: 'binary', maxLength: 40 }), { seed, numRuns: 150 }),
    ...fc.sample(fc.string({ unit: 'grapheme', maxLength: 20 }), { seed: seed + 1, numRuns: 100 }),
    ...fc.sample(fc.string({ maxLength: 30 }), { seed: seed + 2, numRuns: 50 }),
  ];
  return fcStrings;
}

function hostileString(rng: Rng, seed: number): unknown {
  switch (rng.int(6)) {
    case 0:
      return rng.pick(SQL);
    case 1:
      return rng.pick(ODD);
    case 2:
      return rng.pick(LONE_SURROGATES);
    case 3:
      return rng.pick(LONG);
    case 4:
      return rng.pick(fastCheckStrings(seed));
    default:
      return rng.pick(NUMBER_LIKE_STRINGS);
  }
}

function hostileAny(rng: Rng, seed: number): unknown {
  switch (rng.int(4)) {
    case 0:
      return rng.pick(NUMBERS);
    case 1:
      return hostileString(rng, seed);
    case 2:
      return rng.pick(WRONG_TYPES);
    default:
      return rng.chance(0.5) ? hugeArray(rng) : deepNesting(rng);
  }
}

const rawCache = new Map<string, Raw>();
const cachedRaw = (key: string, make: () => string) => {
  let raw = rawCache.get(key);
  if (!raw) rawCache.set(key, (raw = new Raw(make())));
  return raw;
};
export const hugeArray = (rng: Rng) => {
  const n = rng.pick([1000, 20_000, 150_000]);
  return cachedRaw(`array${n}`, () => `[${Array.from({ length: n }, (_, i) => i % 7).join(',')}]`);
};
export const deepNesting = (rng: Rng) => {
  const n = rng.pick([64, 1000, 20_000, 100_000]);
  return rng.chance(0.5)
    ? cachedRaw(`arrays${n}`, () => `${'['.repeat(n)}${']'.repeat(n)}`)
    : cachedRaw(`objects${n}`, () => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`);
};

// ── schema walking ─────────────────────────────────────────────────────────────────────────────────
function variants(s: JsonSchema): JsonSchema[] {
  const alts = s.anyOf ?? s.oneOf;
  return alts ? alts.flatMap(variants) : [s];
}
function typesOf(s: JsonSchema): string[] {
  return variants(s).flatMap((v) => (v.enum ? ['enum'] : v.const !== undefined ? ['const'] : Array.isArray(v.type) ? v.type : v.type ? [v.type] : ['any']));
}
function objectVariant(s: JsonSchema): JsonSchema | undefined {
  return variants(s).find((v) => v.type === 'object' && v.properties);
}
function arrayVariant(s: JsonSchema): JsonSchema | undefined {
  return variants(s).find((v) => v.type === 'array');
}

/** A plausible valid value from the schema, for methods without a sample. */
export function valueFromSchema(s: JsonSchema, depth = 0): unknown {
  if (s.default !== undefined) return s.default;
  const v = variants(s).find((x) => x.type !== 'null') ?? variants(s)[0];
  if (v.const !== undefined) return v.const;
  if (v.enum) return v.enum[0];
  switch (Array.isArray(v.type) ? v.type[0] : v.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const k of v.required ?? []) out[k] = depth > 6 ? null : valueFromSchema(v.properties?.[k] ?? {}, depth + 1);
      return out;
    }
    case 'array':
      return depth > 6 || !v.items ? [] : Array.from({ length: Math.max(1, v.minItems ?? 0) }, () => valueFromSchema(v.items!, depth + 1));
    case 'integer':
    case 'number':
      return v.exclusiveMinimum !== undefined ? v.exclusiveMinimum + 1 : (v.minimum ?? 1);
    case 'string':
      if (v.pattern?.includes('\\d{4}-\\d{2}-\\d{2}')) return '2026-03-02';
      if (v.pattern?.includes('\\d{4}-')) return '2026-03';
      return 'a'.repeat(Math.max(1, v.minLength ?? 1));
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return 'a';
  }
}

type Path = (string | number)[];

/** Every place in the value (and optional schema properties it leaves out) a mutation can aim at. */
function paths(value: unknown, s: JsonSchema, prefix: Path = [], out: { path: Path; schema: JsonSchema }[] = []): { path: Path; schema: JsonSchema }[] {
  out.push({ path: prefix, schema: s });
  if (prefix.length > 8) return out;
  const obj = objectVariant(s);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = new Set([...Object.keys(value), ...Object.keys(obj?.properties ?? {})]);
    for (const k of keys) paths((value as Record<string, unknown>)[k], obj?.properties?.[k] ?? {}, [...prefix, k], out);
  } else if (Array.isArray(value)) {
    const items = arrayVariant(s)?.items ?? {};
    value.slice(0, 5).forEach((x, i) => paths(x, items, [...prefix, i], out));
  }
  return out;
}

function clone<T>(v: T): T {
  return v === undefined ? v : (structuredClone(v) as T);
}

/**
 * A private copy of a pooled value (Raw tokens kept as they are): values from the pools are shared, and
 * placing the same object twice in one request — or mutating inside it — would make cycles.
 */
function fresh(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || v instanceof Raw) return v;
  if (Array.isArray(v)) return v.map(fresh);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fresh(x)]));
}

function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = path.slice(0, -1).reduce<any>((node, k) => (node && typeof node === 'object' ? node[k] : undefined), root);
  if (parent && typeof parent === 'object') {
    if (value === undefined && !Array.isArray(parent)) delete parent[path[path.length - 1]];
    else parent[path[path.length - 1]] = value;
  }
  return root;
}

function getAt(root: unknown, path: Path): unknown {
  return path.reduce<any>((node, k) => (node && typeof node === 'object' ? node[k] : undefined), root);
}

/** A value of the wrong kind, or a boundary of the right kind, for a place whose schema is known. */
function hostileFor(s: JsonSchema, rng: Rng, seed: number): unknown {
  const types = typesOf(s);
  const r = rng.next();
  if (r < 0.25) return rng.pick(WRONG_TYPES);
  if (types.includes('integer') || types.includes('number')) {
    if (r < 0.75) {
      const bounds = [s.minimum, s.maximum, s.exclusiveMinimum, ...variants(s).flatMap((v) => [v.minimum, v.maximum, v.exclusiveMinimum])].filter(
        (b): b is number => typeof b === 'number' && Math.abs(b) < 1e300,
      );
      if (bounds.length && rng.chance(0.5)) return rng.pick(bounds) + rng.pick([-1, 0, 1, 0.5]);
      return rng.pick(NUMBERS);
    }
    return hostileString(rng, seed);
  }
  if (types.includes('string') || types.includes('enum')) {
    if (r < 0.85) return hostileString(rng, seed);
    return rng.pick(NUMBERS);
  }
  if (types.includes('array')) return r < 0.6 ? (rng.chance(0.5) ? hugeArray(rng) : [hostileAny(rng, seed), hostileAny(rng, seed)]) : deepNesting(rng);
  if (types.includes('boolean')) return rng.pick([0, 1, 'true', 'false', 'yes', '是', null, [], {}]);
  return hostileAny(rng, seed);
}

export interface FuzzRequest {
  /** What was done, for the report. */
  kind: string;
  body: string;
  contentType: string | null;
  /** Request path (normally /api/<method>). */
  path?: string;
}

/** One hostile request for a method, built from its valid base input and its JSON schema. */
export function mutate(base: unknown, schema: JsonSchema, rng: Rng, seed: number, bodyLimit: number): FuzzRequest {
  const json = 'application/json';
  const r = rng.next();
  // Transport-level: the body is not what the API accepts at all.
  if (r < 0.14) {
    const valid = serialize(base);
    switch (rng.int(9)) {
      case 0:
        return {
          kind: 'content-type',
          body: valid,
          contentType: rng.pick([
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/xml',
            'text/html',
            'application/jsonx',
            '*/*',
            'application/json-patch+json',
          ]),
        };
      case 1:
        return { kind: 'no content-type', body: valid, contentType: null };
      case 2:
        return {
          kind: 'invalid JSON',
          body: rng.pick([
            valid.slice(0, Math.max(1, valid.length - 1)),
            `${valid},`,
            valid.replace(/"/g, "'"),
            `{${valid}`,
            'NaN',
            'undefined',
            '{"a":1,}',
            '[1,2',
            '\uFEFF{}',
            '/* c */ {}',
            "{'a':1}",
            '\u0000',
            '{"a":01}',
            '{"\\ud800":1}x',
          ]),
          contentType: json,
        };
      case 3:
        return { kind: 'oversized body', body: `{"pad":"${'x'.repeat(bodyLimit + 16)}"}`, contentType: json };
      case 4:
        return { kind: 'top-level non-object', body: rng.pick(['null', '0', '-1', '"x"', '[]', 'true', '[{}]', '1e400', '""']), contentType: json };
      case 5:
        return { kind: 'deep nesting', body: deepNesting(rng).text, contentType: json };
      case 6:
        return { kind: 'huge array', body: hugeArray(rng).text, contentType: json };
      case 7:
        return { kind: 'empty body', body: '', contentType: json };
      default:
        return {
          kind: 'charset',
          body: valid,
          contentType: rng.pick([
            'application/json; charset=utf-16',
            'application/json; charset=latin1',
            'APPLICATION/JSON',
            'application/json;;',
            'application/json; boundary=x',
          ]),
        };
    }
  }

  let value = clone(base);
  const places = paths(value, schema);
  const steps = 1 + (rng.chance(0.3) ? rng.int(3) : 0);
  const kinds: string[] = [];
  for (let i = 0; i < steps; i++) {
    const place = rng.pick(places);
    const k = rng.next();
    if (k < 0.62) {
      kinds.push(`value at ${place.path.join('.') || '(root)'}`);
      value = setAt(value, place.path, fresh(hostileFor(place.schema, rng, seed)));
    } else if (k < 0.74 && place.path.length > 0) {
      kinds.push(`missing ${place.path.join('.')}`);
      value = setAt(value, place.path, undefined);
    } else {
      // Key-level on the object holding the place: extra, duplicated, prototype-polluting keys.
      const holderPath = place.path.length > 0 ? place.path.slice(0, -1) : [];
      let holder = getAt(value, holderPath);
      if (!holder || typeof holder !== 'object' || Array.isArray(holder)) {
        holder = value && typeof value === 'object' && !Array.isArray(value) ? value : {};
        if (holder !== value) value = holder;
      }
      const extras = ((holder as Extra)[EXTRA] ??= []);
      const existing = Object.keys(holder as object);
      const which = rng.int(3);
      if (which === 0 && existing.length) {
        const key = rng.pick(existing);
        kinds.push(`duplicate key ${key}`);
        extras.push([key, serialize(hostileFor(objectVariant(place.schema)?.properties?.[key] ?? {}, rng, seed))]);
      } else if (which === 1) {
        const key = rng.pick(PROTO_KEYS);
        kinds.push(`prototype key ${key}`);
        extras.push([key, rng.pick(['{"isAdmin":true,"role":"admin"}', '{"prototype":{"polluted":1}}', 'null', '1', '[]'])]);
      } else {
        const key = rng.pick(EXTRA_KEYS);
        kinds.push(`extra key ${JSON.stringify(key)}`);
        extras.push([key, serialize(hostileAny(rng, seed))]);
      }
    }
  }
  return { kind: kinds.join(' + '), body: serialize(value), contentType: json };
}

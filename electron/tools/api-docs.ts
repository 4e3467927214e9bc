import { z } from 'zod';
import { api, type AnyMethod } from '../../shared/contract';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  default?: unknown;
  format?: string;
};

/** A compact TypeScript-like rendering of a JSON schema, good enough to read in a table. */
function typeOf(s: JsonSchema, indent = ''): string {
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  const union = s.anyOf ?? s.oneOf;
  if (union) return union.map((u) => typeOf(u, indent)).join(' | ');
  const type = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (type.length > 1) return type.map((t) => typeOf({ ...s, type: t }, indent)).join(' | ');
  switch (type[0]) {
    case 'object': {
      const props = Object.entries(s.properties ?? {});
      if (props.length === 0) {
        return typeof s.additionalProperties === 'object' ? `Record<string, ${typeOf(s.additionalProperties, indent)}>` : '{}';
      }
      const inner = `${indent}  `;
      const required = new Set(s.required ?? []);
      const lines = props.map(([k, v]) => `${inner}${k}${required.has(k) ? '' : '?'}: ${typeOf(v, inner)};`);
      return `{\n${lines.join('\n')}\n${indent}}`;
    }
    case 'array':
      return `${s.items ? wrapUnion(typeOf(s.items, indent)) : 'unknown'}[]`;
    case 'integer':
      return `int${range(s.minimum, s.maximum, s.exclusiveMinimum)}`;
    case 'number':
      return `number${range(s.minimum, s.maximum, s.exclusiveMinimum)}`;
    case 'string':
      return s.pattern ? `string /${s.pattern}/` : s.format ? `string(${s.format})` : s.maxLength ? `string(≤${s.maxLength})` : 'string';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    default:
      return 'unknown';
  }
}

const wrapUnion = (t: string) => (t.includes(' | ') && !t.startsWith('{') ? `(${t})` : t);
/** Bounds worth showing; the safe-integer limits every int has are left out. */
function range(min?: number, max?: number, exclusiveMin?: number): string {
  const lo = exclusiveMin !== undefined ? `>${exclusiveMin}` : min !== undefined && Math.abs(min) < 1e15 ? `≥${min}` : '';
  const hi = max !== undefined && Math.abs(max) < 1e15 ? `≤${max}` : '';
  return lo || hi ? `(${[lo, hi].filter(Boolean).join(', ')})` : '';
}

function schemaText(schema: z.ZodType, io: 'input' | 'output'): string {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return typeOf(json);
}

function accessText(spec: AnyMethod): string {
  if (spec.access === 'public') return '任何人（无需登录）';
  if (spec.access === 'authenticated') return '已登录用户';
  return spec.access.join(', ');
}

/** docs/api.md, generated from the contract so the two can never disagree (a test checks it). */
export function renderApiDocs(): string {
  const out: string[] = [
    '# 三统 API / Santong API',
    '',
    '<!-- Generated from shared/contract by `npm run docs:api`. Do not edit by hand: tests/unit/contract.test.ts fails when it is stale. -->',
    '',
    'Every method is `POST /api/<method>` with a JSON body (`Content-Type: application/json`) and answers JSON. The desktop app calls the',
    'same methods over IPC. Errors answer a 4xx status (5xx only for faults) with `{"error":{"code":"…","message":"…","issues":[…]}}`:',
    '`code` is stable for programs, `message` is Chinese for people. `GET /api/health` answers `{"ok":true,"version":"…","schemaVersion":N}`.',
    '',
    'Roles: `admin` 系统管理员, `pharmacist` 药库管理员, `finance` 财务, `village_doctor` 村医. "clinic-scoped" methods limit a village doctor',
    'to their own clinic: asking for another clinic answers 403 `FORBIDDEN_CLINIC`. Writes run in one transaction and are audited.',
    '',
    '| method | roles | write | summary |',
    '| --- | --- | --- | --- |',
  ];
  const entries = Object.entries(api) as [string, AnyMethod][];
  for (const [name, spec] of entries) {
    out.push(`| [\`${name}\`](#${name.replace(/\./g, '').toLowerCase()}) | ${accessText(spec)}${spec.clinicScoped ? ' (clinic-scoped)' : ''} | ${spec.write ? 'yes' : ''} | ${spec.summary} |`);
  }
  for (const [name, spec] of entries) {
    out.push(
      '',
      `## ${name}`,
      '',
      spec.summary,
      '',
      `- roles: ${accessText(spec)}${spec.clinicScoped ? ' — clinic-scoped' : ''}`,
      `- write: ${spec.write ? 'yes (one transaction, audited)' : 'no'}`,
      ...(spec.maxBodyBytes ? [`- max body: ${Math.round(spec.maxBodyBytes / 1024 / 1024)} MiB`] : []),
      '',
      'Input:',
      '',
      '```ts',
      schemaText(spec.input, 'input'),
      '```',
      '',
      'Output:',
      '',
      '```ts',
      schemaText(spec.output, 'output'),
      '```',
    );
  }
  return `${out.join('\n')}\n`;
}

import { z } from 'zod';
import { api, type AnyMethod } from '../../shared/contract';
import { id } from '../../shared/contract/common';
import { ERROR_STATUS } from '../../shared/errors';
import { ALLOWED_BEFORE_PASSWORD_CHANGE } from '../api/dispatch';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../domain/auth/sessions';
import { SESSION_COOKIE } from '../http/server';

export type JsonSchema = {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  default?: unknown;
  format?: string;
};

/** The JSON Schema of one side of a method, as a client sends it (input) or receives it (output). */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
}

const isNull = (s: JsonSchema) => s.type === 'null';

/** A nullable schema (anyOf [T, null]) as T plus a flag; the description may sit on either level. */
export function unwrapNullable(s: JsonSchema): { schema: JsonSchema; nullable: boolean; description?: string } {
  const union = s.anyOf ?? s.oneOf;
  if (union && union.length === 2 && union.some(isNull)) {
    const inner = union.find((u) => !isNull(u))!;
    return { schema: inner, nullable: true, description: s.description ?? inner.description };
  }
  return { schema: s, nullable: false, description: s.description };
}

/** Bounds worth showing; the safe-integer limits every int has are left out. */
function range(min?: number, max?: number, exclusiveMin?: number): string {
  const big = (n: number) => Math.abs(n) >= 1e15;
  const lo = exclusiveMin !== undefined ? `>${exclusiveMin}` : min !== undefined && !big(min) ? `≥${min}` : '';
  const hi = max !== undefined && !big(max) ? `≤${max}` : '';
  return lo || hi ? ` (${[lo, hi].filter(Boolean).join(', ')})` : '';
}

function stringRules(s: JsonSchema): string {
  const rules: string[] = [];
  if (s.minLength !== undefined && s.maxLength !== undefined) rules.push(`${s.minLength}–${s.maxLength}`);
  else if (s.maxLength !== undefined) rules.push(`≤${s.maxLength}`);
  else if (s.minLength !== undefined) rules.push(`≥${s.minLength}`);
  if (s.pattern) rules.push(`/${s.pattern}/`);
  else if (s.format) rules.push(s.format);
  return rules.length ? ` (${rules.join(', ')})` : '';
}

function itemCount(s: JsonSchema): string {
  if (s.minItems === undefined && s.maxItems === undefined) return '';
  if (s.maxItems === undefined) return ` (≥${s.minItems} 项)`;
  return ` (${s.minItems ?? 0}–${s.maxItems} 项)`;
}

/** A one-line type for a table cell: nested objects are rendered as their own rows, not here. */
export function typeText(s: JsonSchema): string {
  const { schema, nullable } = unwrapNullable(s);
  const base = nonNullType(schema);
  return nullable ? `${base} | null` : base;
}

function nonNullType(s: JsonSchema): string {
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.enum) return s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' | ');
  const union = s.anyOf ?? s.oneOf;
  if (union) return union.map((u) => nonNullType(u)).join(' | ');
  const type = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (type.length > 1) return type.map((t) => nonNullType({ ...s, type: t })).join(' | ');
  switch (type[0]) {
    case 'object':
      if (!s.properties && typeof s.additionalProperties === 'object') return `Record<string, ${typeText(s.additionalProperties)}>`;
      return 'object';
    case 'array': {
      const item = s.items ? typeText(s.items) : 'unknown';
      return `${item.includes(' | ') ? `(${item})` : item}[]${itemCount(s)}`;
    }
    case 'integer':
      return `int${range(s.minimum, s.maximum, s.exclusiveMinimum)}`;
    case 'number':
      return `number${range(s.minimum, s.maximum, s.exclusiveMinimum)}`;
    case 'string':
      return `string${stringRules(s)}`;
    case 'boolean':
      return 'boolean';
    default:
      return 'unknown';
  }
}

/** One row of a field table: a property anywhere in the tree, named by its path (`lines[].qty`). */
interface FieldRow {
  path: string;
  type: string;
  required: boolean;
  default?: unknown;
  description: string;
}

const cell = (text: string) => text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');

/** A field's words, and for an array of plain values the words of its items (their rows are not listed). */
function withItemWords({ schema, description }: { schema: JsonSchema; description?: string }): string {
  const items = schema.type === 'array' && schema.items ? unwrapNullable(schema.items) : null;
  const itemWords = items && !items.schema.properties ? items.description : undefined;
  // Arrays of ids say what they hold in their own words; the id's generic rule would only repeat.
  if (!itemWords || itemWords === description || itemWords === id.description) return description ?? '';
  return description ? `${description}。每项：${itemWords}` : `每项：${itemWords}`;
}

/** The object or array-of-object whose fields are listed below a row, if any. */
function childObject(s: JsonSchema): { schema: JsonSchema; suffix: string } | null {
  const { schema } = unwrapNullable(s);
  if (schema.properties) return { schema, suffix: '.' };
  if (schema.type === 'array' && schema.items) {
    const item = unwrapNullable(schema.items).schema;
    if (item.properties) return { schema: item, suffix: '[].' };
  }
  return null;
}

/**
 * Every property of an object, depth first. A nested object that repeats one already listed in the same
 * table (e.g. the same line shape in two arrays) is not listed again: its row points to the first.
 */
function fieldRows(s: JsonSchema, prefix: string, seen: Map<string, string>, rows: FieldRow[]): FieldRow[] {
  const required = new Set(s.required ?? []);
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    const path = `${prefix}${key}`;
    const row: FieldRow = {
      path,
      type: typeText(prop),
      required: required.has(key),
      default: prop.default,
      description: withItemWords(unwrapNullable(prop)),
    };
    rows.push(row);
    const child = childObject(prop);
    if (!child) continue;
    const shape = JSON.stringify(child.schema.properties);
    const first = seen.get(shape);
    if (first && Object.keys(child.schema.properties!).length > 3) {
      row.description += `${row.description ? '。' : ''}字段同 \`${first}\``;
      continue;
    }
    seen.set(shape, path);
    fieldRows(child.schema, `${path}${child.suffix}`, seen, rows);
  }
  return rows;
}

function requiredText(row: FieldRow): string {
  if (row.required) return 'yes';
  return row.default === undefined ? 'no' : `no, default \`${JSON.stringify(row.default)}\``;
}

/** The rows of a method's input or output: an object's properties, or an array's item fields as `[].x`. */
function tableLines(json: JsonSchema, io: 'input' | 'output'): string[] {
  const { schema } = unwrapNullable(json);
  const root = childObject(schema);
  const prefix = root?.suffix === '[].' ? '[].' : '';
  const rows = root ? fieldRows(root.schema, prefix, new Map(), []) : [];
  const lines: string[] = [];
  if (!root) lines.push(`\`${typeText(schema)}\``);
  else if (prefix) lines.push(`An array (\`${typeText(schema)}\`) of objects:`, '');
  if (root && rows.length === 0) lines.push('No fields: send `{}`.');
  if (rows.length === 0) return lines;
  if (io === 'input') {
    lines.push('| field | type | required | unit / rules |', '| --- | --- | --- | --- |');
    for (const r of rows) lines.push(`| \`${r.path}\` | ${cell(r.type)} | ${cell(requiredText(r))} | ${cell(r.description)} |`);
  } else {
    lines.push('| field | type | unit / rules |', '| --- | --- | --- |');
    for (const r of rows) lines.push(`| \`${r.path}\`${r.required ? '' : ' (may be absent)'} | ${cell(r.type)} | ${cell(r.description)} |`);
  }
  return lines;
}

/** An input that is one of several objects told apart by a constant field (e.g. `kind`). */
function variants(json: JsonSchema): { label: string; schema: JsonSchema }[] | null {
  const union = json.anyOf ?? json.oneOf;
  if (!union?.every((u) => u.properties)) return null;
  return union.map((u) => {
    const tag = Object.entries(u.properties!).find(([, p]) => p.const !== undefined);
    return { label: tag ? `\`${tag[0]}: ${JSON.stringify(tag[1].const)}\`` : 'variant', schema: u };
  });
}

function sectionLines(schema: z.ZodType, io: 'input' | 'output'): string[] {
  const json = jsonSchemaOf(schema, io);
  const lines: string[] = [];
  if (json.description) lines.push(io === 'input' ? `Rules: ${json.description}` : json.description, '');
  const cases = variants(json);
  if (!cases) return [...lines, ...tableLines(json, io)];
  lines.push('One of:');
  for (const c of cases) lines.push('', `- ${c.label}${c.schema.description ? ` — ${c.schema.description}` : ''}`, '', ...tableLines(c.schema, io));
  return lines;
}

function accessText(spec: AnyMethod): string {
  if (spec.access === 'public') return '任何人（无需登录）';
  if (spec.access === 'authenticated') return '已登录用户';
  return spec.access.join(', ');
}

const CONVENTIONS = [
  '## 约定 / Conventions',
  '',
  'Each method below lists its input fields (name, type, required, unit and rules) and its output fields. Nested objects and',
  'arrays are flattened into paths: `lines[].qty` is the `qty` of every element of `lines`. The words come from the contract',
  'itself (zod `.describe()` in `shared/contract/`), so they cannot drift from what the server checks.',
  '',
  "- **数量 quantities** are integers in the drug's **base unit** (最小单位: 粒、片、支…), never packs. A drug has a `packUnit`",
  '  (包装单位, e.g. 盒), a `baseUnit` and a `packSize` (每包装含多少最小单位): 2 盒 of a 24-粒 box is `qty: 48`.',
  '- **金额 money** is an integer number of **fen** (分, 1/100 yuan): 12.50 元 is `1250`. Line amounts are rounded once, half away',
  '  from zero, to the fen.',
  '- **价格 prices** are integers in **micro-yuan** (百万分之一元, 1 元 = 1,000,000). Each price field says whether it is per pack',
  '  (每包装单位) or per base unit (每最小单位): a 12.50 元 box of 24 is `packPrice: 12500000`, `unitCost: 520833`.',
  "- **日期 dates** are `'YYYY-MM-DD'` calendar days in China time (UTC+8); **会计期间 periods** are `'YYYY-MM'`. **时刻 instants**",
  '  are ISO 8601 in UTC (`2026-03-16T01:30:00.000Z`). "Today" is the hub\'s clock (`system.status` → `now`), not the device\'s.',
  '- **业务日期 businessDate** (optional on postings) is the day a posting counts for; absent means today. A closed month refuses',
  '  postings.',
  '- **编号 ids** are positive integers taken from the list and detail methods. **单据号 document numbers** read',
  '  `<前缀>-<年月>-<当月序号>`, e.g. `QL-202603-0007` (QL 请领, HZ 汇总, CG 采购, RK 入库, CK 出库, TH 退货, BS 报损, PD 盘点).',
  '- **required** `no` means the key may be left out; `null` is allowed only where the type says `| null`, and the rules say what',
  '  null means. Text fields are trimmed; optional text that is empty is stored as null. Unknown keys are ignored unless the input',
  '  says otherwise.',
  '- **Blind counts**: while the caller may not see the book of a stocktake, its book figures come back as null.',
  `- **会话 sessions (HTTP)**: \`auth.login\` answers with an HttpOnly, SameSite=Strict cookie \`${SESSION_COOKIE}\`; send it back on`,
  `  every call. A session ends ${SESSION_IDLE_MS / 3_600_000} h after its last call or ${SESSION_ABSOLUTE_MS / 86_400_000} days after login (401 \`SESSION_EXPIRED\`). A request whose`,
  '  `Origin` (or `Sec-Fetch-Site`) names another site is refused (403 `CSRF`); a program that sends neither is not affected.',
  `  Until a user with an initial password has changed it, every method that needs a login except ${[...ALLOWED_BEFORE_PASSWORD_CHANGE].map((m) => `\`${m}\``).join(', ')}`,
  '  answers 403 `PASSWORD_CHANGE_REQUIRED`.',
  '- **文件 files** (the methods with a "max upload" line): a file field takes `{filename, base64}` (the bytes in the JSON, within',
  "  the method's max body; also over IPC) or `{filename, uploadId}`. For the second, first `POST /api/upload/<method>` with the",
  '  raw file as `Content-Type: application/octet-stream`, its name percent-encoded in `X-File-Name`, and the session cookie: the',
  '  caller is checked (CSRF, session, role of `<method>`, the hub-PC rule, at most 64 uploads at once) before a byte of the body',
  "  is read, and a refusal closes the connection. The body is streamed to a file on the hub's disk and cut off past the",
  "  method's max upload (413 `PAYLOAD_TOO_LARGE` when `Content-Length` says so in advance); a full disk answers 507 `DISK_FULL`.",
  '  The answer `{"uploadId":"…","filename":"…","sizeBytes":N}` may be used once, by the same session, within one hour;',
  "  another session's, a used or an expired id answers 404 `NOT_FOUND`. A preview and its commit are two uses: upload twice.",
  '',
  `Error codes (\`error.code\` → HTTP status): ${Object.entries(ERROR_STATUS)
    .map(([code, status]) => `\`${code}\` ${status}`)
    .join(', ')}.`,
  '',
];

/** docs/api.md, generated from the contract so the two can never disagree (a test checks it). */
export function renderApiDocs(): string {
  const out: string[] = [
    '# 三统 API / Santong API',
    '',
    '<!-- Generated from shared/contract by `npm run docs:api`. Do not edit by hand: tests/unit/contract.test.ts fails when it is stale. -->',
    '',
    'Every method is `POST /api/<method>` with a JSON body (`Content-Type: application/json`) and answers JSON. The desktop app calls the',
    'same methods over IPC. Errors answer a 4xx status (5xx only for faults) with `{"error":{"code":"…","message":"…","issues":[…]}}`:',
    '`code` is stable for programs, `message` is Chinese for people. An input the contract refuses answers 400 `VALIDATION`: each issue has',
    "`path` (the field's machine path, `lines.1.qty`), `place` (where a person typed it, from the field's description below: `第 2 行 数量`)",
    'and `message`; the top `message` names the first issue by its place (`输入有误：第 2 行 数量：数量必须大于 0`).',
    '`GET /api/health` answers `{"ok":true,"version":"…","schemaVersion":N}`.',
    '',
    'Roles: `admin` 系统管理员, `pharmacist` 药库管理员, `finance` 财务, `village_doctor` 村医. "clinic-scoped" methods limit a village doctor',
    'to their own clinic: asking for another clinic answers 403 `FORBIDDEN_CLINIC`. Writes run in one transaction and are audited.',
    '',
    ...CONVENTIONS,
    '## Methods',
    '',
    '| method | roles | write | summary |',
    '| --- | --- | --- | --- |',
  ];
  const entries = Object.entries(api) as [string, AnyMethod][];
  for (const [name, spec] of entries) {
    out.push(
      `| [\`${name}\`](#${name.replace(/\./g, '').toLowerCase()}) | ${accessText(spec)}${spec.clinicScoped ? ' (clinic-scoped)' : ''} | ${spec.write ? 'yes' : spec.auditedRead ? 'no (audited)' : ''} | ${spec.summary} |`,
    );
  }
  for (const [name, spec] of entries) {
    out.push(
      '',
      `## ${name}`,
      '',
      spec.summary,
      '',
      `- roles: ${accessText(spec)}${spec.clinicScoped ? ' — clinic-scoped' : ''}`,
      `- write: ${spec.write ? 'yes (one transaction, audited)' : spec.auditedRead ? 'no; every view is audited (personal data)' : 'no'}`,
      ...(spec.maxBodyBytes ? [`- max body: ${Math.round(spec.maxBodyBytes / 1024 / 1024)} MiB`] : []),
      ...(spec.maxUploadBytes ? [`- max upload: ${Math.round(spec.maxUploadBytes / 1024 / 1024)} MiB (\`POST /api/upload/${name}\`, see Conventions)`] : []),
      '',
      '**Input**',
      '',
      ...sectionLines(spec.input, 'input'),
      '',
      '**Output**',
      '',
      ...sectionLines(spec.output, 'output'),
    );
  }
  return `${out.join('\n')}\n`;
}

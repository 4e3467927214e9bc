import { api, ROLE_LABELS, type AnyMethod, type Role } from '../../shared/contract';
import type { ErrorCode } from '../../shared/errors';

/**
 * The access matrix: for every API method, what each kind of caller gets. Derived from the contract
 * (access, clinicScoped), so docs/access-matrix.md and the test that checks every cell against the running
 * server (tests/unit/security-matrix.test.ts) can never disagree with the code that enforces it.
 */
export const MATRIX_COLUMNS = ['anonymous', 'admin', 'pharmacist', 'finance', 'doctorOwn', 'doctorOther', 'director'] as const;
export type MatrixColumn = (typeof MATRIX_COLUMNS)[number];

export const COLUMN_LABELS: Record<MatrixColumn, string> = {
  anonymous: '未登录',
  admin: ROLE_LABELS.admin,
  pharmacist: ROLE_LABELS.pharmacist,
  finance: ROLE_LABELS.finance,
  doctorOwn: '村医·本室',
  doctorOther: '村医·他室',
  director: ROLE_LABELS.director,
};

/** The role a column signs in as (null: no session). */
export const COLUMN_ROLE: Record<MatrixColumn, Role | null> = {
  anonymous: null,
  admin: 'admin',
  pharmacist: 'pharmacist',
  finance: 'finance',
  doctorOwn: 'village_doctor',
  doctorOther: 'village_doctor',
  director: 'director',
};

/** allowed: the method runs (its answer may still be a business 4xx such as 404/409/422); n/a: no other clinic to name. */
export type Expected = { outcome: 'allowed' } | { outcome: 'refused'; status: 401 | 403; code: ErrorCode } | { outcome: 'n/a' };

function roleAllowed(spec: AnyMethod, role: Role): boolean {
  return spec.access === 'public' || spec.access === 'authenticated' || spec.access.includes(role);
}

export function expectedOutcome(spec: AnyMethod, column: MatrixColumn): Expected {
  const role = COLUMN_ROLE[column];
  if (spec.access === 'public') return column === 'doctorOther' && !spec.clinicScoped ? { outcome: 'n/a' } : { outcome: 'allowed' };
  if (role === null) return { outcome: 'refused', status: 401, code: 'UNAUTHENTICATED' };
  if (column === 'doctorOther' && !spec.clinicScoped) return { outcome: 'n/a' };
  if (!roleAllowed(spec, role)) return { outcome: 'refused', status: 403, code: 'FORBIDDEN' };
  if (column === 'doctorOther') return { outcome: 'refused', status: 403, code: 'FORBIDDEN_CLINIC' };
  return { outcome: 'allowed' };
}

function cellText(e: Expected): string {
  switch (e.outcome) {
    case 'allowed':
      return '✅ 允许';
    case 'n/a':
      return '—';
    case 'refused':
      return e.code === 'FORBIDDEN_CLINIC' ? '⛔ 403 他室' : e.status === 401 ? '🔒 401' : '⛔ 403';
  }
}

/** docs/access-matrix.md */
export function renderAccessMatrix(): string {
  const entries = Object.entries(api) as [string, AnyMethod][];
  const out = [
    '# 访问权限矩阵 / Access matrix',
    '',
    '<!-- Generated from shared/contract by `npm run docs:access`. Do not edit by hand: tests/unit/security-matrix.test.ts fails when it is stale. -->',
    '',
    '每个接口 × 每种身份的预期结果。由接口契约（`access`、`clinicScoped`）生成；测试 `tests/unit/security-matrix.test.ts`',
    '在真实的 HTTP 服务器上逐格验证：以管理员、药库管理员、财务、甲卫生室村医和院长的真实会话调用每个接口，',
    '“他室”一列请求乙卫生室的记录。',
    '',
    'Every API method × caller, derived from the contract and checked cell by cell against the running HTTP server',
    '(real sessions for each role; "other clinic" names records of a clinic that is not the village doctor\'s own).',
    '',
    '- ✅ 允许 allowed — the method runs; its answer may still be a business refusal (404/409/422), never 401/403.',
    '- 🔒 401 — `UNAUTHENTICATED`: no session. For write methods the attempt is audited (rate-limited per address).',
    '- ⛔ 403 — `FORBIDDEN`: the role may not call the method. Audited.',
    "- ⛔ 403 他室 — `FORBIDDEN_CLINIC`: a village doctor named another clinic's record. Audited; nothing changes.",
    "  A list that names no clinic instead answers only the doctor's own clinic's rows (the test checks that nothing",
    '  of the other clinic is in it).',
    '- — not applicable (the method names no clinic). Hub roles (管理员、药库、财务、院长) see every clinic: their cells hold for',
    "  records of any clinic, and the test checks them with both clinics' records.",
    '',
    `| 接口 method | 写 write | ${MATRIX_COLUMNS.map((c) => COLUMN_LABELS[c]).join(' | ')} | 说明 |`,
    `| --- | --- | ${MATRIX_COLUMNS.map(() => '---').join(' | ')} | --- |`,
  ];
  for (const [name, spec] of entries) {
    const cells = MATRIX_COLUMNS.map((c) => cellText(expectedOutcome(spec, c)));
    out.push(`| \`${name}\` | ${spec.write ? '写' : spec.auditedRead ? '读（审计）' : ''} | ${cells.join(' | ')} | ${spec.summary.replace(/\|/g, '\\|')} |`);
  }
  const counts = { methods: entries.length, writes: entries.filter(([, s]) => s.write).length, scoped: entries.filter(([, s]) => s.clinicScoped).length };
  out.push('', `共 ${counts.methods} 个接口，其中写操作 ${counts.writes} 个，按卫生室限定（clinic-scoped）${counts.scoped} 个。`);
  return `${out.join('\n')}\n`;
}

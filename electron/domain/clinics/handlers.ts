import { defineHandlers } from '../context';
import { assertClinicAccess, clinicScope } from '../scope';
import { bool, sql, type ReadDb, type SqlRow } from '../../db/database';
import { rows as selectRows, given, sql as query } from '../../db/sql';
import { AppError, notFound } from '../../errors';
import type { ClinicRow } from '../../../shared/contract/clinics';
import { changedFields } from '../audit/record';

const clinicSelect = query`SELECT c.id, c.code, c.name, c.village, c.address, c.phone, c.active, s.id AS storeId,
    (SELECT count(*) FROM users u WHERE u.clinic_id = c.id AND u.active = 1) AS doctorCount
  FROM clinics c JOIN stores s ON s.clinic_id = c.id AND s.kind = 'clinic'`;
const CLINIC_SELECT = clinicSelect.text;

const toClinic = (row: SqlRow<ClinicRow, 'active'>): ClinicRow => ({ ...row, active: bool(row.active) });

export function getClinic(db: ReadDb, id: number): ClinicRow {
  const row = sql(db, `${CLINIC_SELECT} WHERE c.id = ?`).get(id) as SqlRow<ClinicRow, 'active'> | undefined;
  if (!row) throw notFound('村卫生室');
  return toClinic(row);
}

function assertCodeFree(db: ReadDb, code: string, exceptId: number | null): void {
  if (sql(db, 'SELECT 1 FROM clinics WHERE code = ? AND id IS NOT ?').get(code, exceptId)) {
    throw new AppError('DUPLICATE', `卫生室编码“${code}”已存在`, [{ path: 'code', message: '编码已存在' }]);
  }
}

export const clinicHandlers = defineHandlers({
  'clinics.list': (ctx, input) => {
    const own = clinicScope(ctx);
    const filters = query.where([...given(own, (id) => query`c.id = ${id}`), ...(input.includeInactive ? [] : [query`c.active = 1`])]);
    return selectRows<SqlRow<ClinicRow, 'active'>>(ctx.db, query`${clinicSelect} ${filters} ORDER BY c.code`).map(toClinic);
  },

  'clinics.get': (ctx, input) => {
    assertClinicAccess(ctx, input.id);
    return getClinic(ctx.db, input.id);
  },

  'clinics.create': (ctx, input) => {
    assertCodeFree(ctx.db, input.code, null);
    const at = ctx.now.toISOString();
    const { lastInsertRowid } = sql(
      ctx.db,
      'INSERT INTO clinics (code, name, village, address, phone, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)',
    ).run(input.code, input.name, input.village, input.address, input.phone, at, at);
    const clinicId = Number(lastInsertRowid);
    sql(ctx.db, "INSERT INTO stores (kind, clinic_id, name) VALUES ('clinic', ?, ?), ('transit', ?, ?)").run(
      clinicId,
      input.name,
      clinicId,
      `${input.name}（在途）`,
    );
    ctx.audit.target = `clinic:${clinicId}`;
    ctx.audit.clinicId = clinicId;
    ctx.audit.details = { name: input.name };
    return getClinic(ctx.db, clinicId);
  },

  'clinics.update': (ctx, input) => {
    const before = getClinic(ctx.db, input.id);
    assertCodeFree(ctx.db, input.code, input.id);
    sql(ctx.db, 'UPDATE clinics SET code = ?, name = ?, village = ?, address = ?, phone = ?, active = ?, updated_at = ? WHERE id = ?').run(
      input.code,
      input.name,
      input.village,
      input.address,
      input.phone,
      input.active ? 1 : 0,
      ctx.now.toISOString(),
      input.id,
    );
    sql(ctx.db, "UPDATE stores SET name = CASE kind WHEN 'transit' THEN ? || '（在途）' ELSE ? END WHERE clinic_id = ?").run(input.name, input.name, input.id);
    ctx.audit.target = `clinic:${input.id}`;
    ctx.audit.clinicId = input.id;
    const after = getClinic(ctx.db, input.id);
    ctx.audit.details = { name: input.name, changes: changedFields(before, after, ['code', 'name', 'village', 'address', 'phone', 'active']) };
    return after;
  },
});

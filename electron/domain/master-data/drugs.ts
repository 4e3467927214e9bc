/** Drug facts every stock workflow shows and checks: names, units, pack size, insurance class, 集采 mark. */
import { sql, type ReadDb } from '../../db/database';
import { notFound } from '../../errors';

export interface DrugSnapshot {
  drugId: number;
  drugName: string;
  spec: string;
  dosageForm: string;
  manufacturer: string;
  packUnit: string;
  baseUnit: string;
  /** Base units per pack. */
  packSize: number;
  insuranceClass: string;
  /** 1 for a centrally procured (集采) drug. */
  vbp: number;
  active: number;
}

export function drugSnapshot(db: ReadDb, drugId: number): DrugSnapshot {
  const d = sql(
    db,
    `SELECT id AS drugId, generic_name AS drugName, spec, dosage_form AS dosageForm, manufacturer, pack_unit AS packUnit,
            base_unit AS baseUnit, pack_size AS packSize, insurance_class AS insuranceClass, vbp, active
       FROM drugs WHERE id = ?`,
  ).get(drugId) as DrugSnapshot | undefined;
  if (!d) throw notFound('药品');
  return d;
}

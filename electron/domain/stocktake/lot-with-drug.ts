/** A lot with the drug facts a count sheet shows: what LOT_WITH_DRUG selects, and what a line keeps of it. */
export interface LotWithDrug {
  lotId: number;
  drugId: number;
  drugName: string;
  spec: string;
  manufacturer: string;
  packUnit: string;
  baseUnit: string;
  packSize: number;
  batchNo: string;
  expiryDate: string;
  unitCost: number;
}

export const LOT_WITH_DRUG = `l.id AS lotId, l.drug_id AS drugId, d.generic_name AS drugName, d.spec, d.manufacturer, d.pack_unit AS packUnit,
  d.base_unit AS baseUnit, d.pack_size AS packSize, l.batch_no AS batchNo, l.expiry_date AS expiryDate, l.unit_cost AS unitCost`;

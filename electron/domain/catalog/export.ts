import { sql, type ReadDb } from '../../db/database';
import { CATALOG_COLUMNS, INSURANCE_CLASS_LABELS, type ImportField } from '../../../shared/catalogColumns';
import { formatUnitPrice } from '../../../shared/money';
import { DRUG_RECORD_SELECT, toRecord, type DrugRecord } from './drugs';
import { writeWorkbook, type Cell, type ColumnSpec } from './workbook';
import { textWidth } from '../list-workbook';

const WIDTHS: Partial<Record<ImportField, number>> = {
  nhsaCode: 26,
  genericName: 24,
  tradeName: 14,
  dosageForm: 10,
  spec: 16,
  manufacturer: 28,
  approvalNo: 20,
  defaultSupplier: 24,
  vbpPrice: 12,
  referencePrice: 12,
};

const yesNo = (b: boolean) => (b ? '是' : '否');
/** A price for a spreadsheet cell: yuan as a number, read from its exact decimal text. */
const yuan = (p: number | null): Cell => (p === null ? null : Number(formatUnitPrice(p)));

function cells(d: DrugRecord, supplierName: string | null): Record<ImportField, Cell> {
  return {
    nhsaCode: d.nhsaCode,
    genericName: d.genericName,
    tradeName: d.tradeName,
    dosageForm: d.dosageForm,
    spec: d.spec,
    packSize: d.packSize,
    baseUnit: d.baseUnit,
    packUnit: d.packUnit,
    manufacturer: d.manufacturer,
    approvalNo: d.approvalNo,
    insuranceClass: d.insuranceClass === 'none' ? null : INSURANCE_CLASS_LABELS[d.insuranceClass],
    essential: yesNo(d.essential),
    vbp: yesNo(d.vbp),
    vbpBatch: d.vbpBatch,
    vbpPrice: yuan(d.vbpPrice),
    referencePrice: yuan(d.referencePrice),
    rx: d.rx ? '处方' : 'OTC',
    zeroMarkup: yesNo(d.zeroMarkup),
    defaultSupplier: supplierName,
    hubMin: d.hubMin,
    hubMax: d.hubMax,
    clinicMin: d.clinicMin,
    clinicMax: d.clinicMax,
    tracePrefix: d.tracePrefix,
    gtin: d.gtin,
    active: d.active ? '启用' : '停用',
  };
}

const COLUMNS: ColumnSpec[] = CATALOG_COLUMNS.map((c) => ({
  header: c.header,
  width: WIDTHS[c.field] ?? Math.max(8, c.header.length * 2 + 2),
  numFmt: c.field === 'vbpPrice' || c.field === 'referencePrice' ? '0.00##' : undefined,
}));

/** Columns widened to the longest value of drugs held in memory: long names and codes are not cut when printed. */
function fittedColumns(drugs: { record: DrugRecord; supplierName: string | null }[]): ColumnSpec[] {
  const widths = COLUMNS.map((c) => c.width);
  for (const d of drugs) {
    const byField = cells(d.record, d.supplierName);
    CATALOG_COLUMNS.forEach((c, i) => {
      const v = byField[c.field];
      if (v !== null) widths[i] = Math.max(widths[i], Math.min(50, textWidth(String(v)) + 2));
    });
  }
  return COLUMNS.map((c, i) => ({ ...c, width: widths[i] }));
}

/** Drugs as a catalog workbook in the import's format (export, templates, benchmark files). */
export async function writeCatalogWorkbook(drugs: Iterable<{ record: DrugRecord; supplierName: string | null }>): Promise<Buffer> {
  const fields = CATALOG_COLUMNS.map((c) => c.field);
  function* lines(): Generator<Cell[]> {
    for (const d of drugs) {
      const byField = cells(d.record, d.supplierName);
      yield fields.map((f) => byField[f]);
    }
  }
  return writeWorkbook('药品目录', Array.isArray(drugs) ? fittedColumns(drugs) : COLUMNS, lines());
}

/** The catalog as an .xlsx workbook with the import's column names, so it can be edited and imported again. */
export async function exportCatalog(db: ReadDb, opts: { includeInactive: boolean }): Promise<Buffer> {
  const rows = sql(
    db,
    `${DRUG_RECORD_SELECT}, s.name AS supplierName FROM drugs d LEFT JOIN suppliers s ON s.id = d.default_supplier_id
     LEFT JOIN search_names n ON n.name = d.generic_name
     WHERE (? = 1 OR d.active = 1) ORDER BY n.sort_key, d.generic_name, d.dosage_form, d.spec, d.nhsa_code`,
  ).all(opts.includeInactive ? 1 : 0) as Record<string, unknown>[];
  return writeCatalogWorkbook(rows.map((row) => ({ record: toRecord(row), supplierName: (row.supplierName as string | null) ?? null })));
}

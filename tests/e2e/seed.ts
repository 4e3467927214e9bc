import { validCreditCode } from '../helpers/catalog';

/** Talks to a running test server the way a client does: JSON over HTTP with the session cookie. */
export class ApiSession {
  private cookie = '';
  constructor(private readonly url: string) {}

  async call<T = any>(method: string, input: unknown = {}): Promise<T> {
    const res = await fetch(`${this.url}api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.cookie ? { cookie: this.cookie } : {}) },
      body: JSON.stringify(input),
    });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('santong_sid='));
    if (set) this.cookie = set.split(';')[0];
    const body = await res.json();
    if (!res.ok) throw new Error(`${method}: ${res.status} ${JSON.stringify(body)}`);
    return body as T;
  }

  async login(username: string, password: string) {
    return this.call('auth.login', { username, password });
  }
}

export interface SeedDrugSpec {
  key: string;
  nhsaCode: string;
  genericName: string;
  dosageForm: string;
  spec: string;
  baseUnit: string;
  packSize: number;
  /** Contract price per pack, micro-yuan. */
  packPrice: number;
  /** Lots the hub receives and issues to the clinic: base units each. */
  lots: { batchNo: string; expiryDate: string; qty: number }[];
}

/**
 * Stock on a clinic's shelf through the real workflows only: the pharmacist enters a supplier and the drugs
 * with contract prices, the doctor requests them, the pharmacist approves, aggregates, sends the order,
 * receives it lot by lot and issues everything to the clinic, and the doctor signs for it.
 */
export async function stockClinicThroughWorkflows(
  pharmacist: ApiSession,
  doctor: ApiSession,
  clinicId: number,
  drugs: SeedDrugSpec[],
): Promise<Record<string, number>> {
  const supplier = await pharmacist.call<{ id: number }>('suppliers.create', {
    name: '国药控股湖南有限公司',
    creditCode: validCreditCode('91430000183763178'),
    licenceNo: null,
    contact: '刘经理',
    phone: '0731-84001234',
    address: null,
  });
  const ids: Record<string, number> = {};
  for (const d of drugs) {
    const created = await pharmacist.call<{ id: number }>('catalog.create', {
      nhsaCode: d.nhsaCode,
      genericName: d.genericName,
      dosageForm: d.dosageForm,
      spec: d.spec,
      packUnit: '盒',
      baseUnit: d.baseUnit,
      packSize: d.packSize,
      manufacturer: '华北制药股份有限公司',
      insuranceClass: 'A',
      defaultSupplierId: supplier.id,
    });
    await pharmacist.call('suppliers.setPrices', { supplierId: supplier.id, prices: [{ drugId: created.id, packPrice: d.packPrice }] });
    ids[d.key] = created.id;
  }
  const total = (d: SeedDrugSpec) => d.lots.reduce((n, l) => n + l.qty, 0);

  const requisition = await doctor.call<{ id: number; lines: { id: number; drugId: number }[] }>('requisitions.submit', {
    submitToken: `e2e-stocktake-${Date.now()}`,
    note: null,
    lines: drugs.map((d) => ({ drugId: ids[d.key], qty: total(d), enteredIn: 'pack', note: null })),
  });
  await pharmacist.call('requisitions.decide', { id: requisition.id, lines: requisition.lines.map((l) => ({ lineId: l.id, decision: 'approved' })) });
  const selection = { requisitionIds: [requisition.id], hubReplenishment: false };
  const preview = await pharmacist.call<{ fingerprint: string }>('aggregation.preview', selection);
  const aggregation = await pharmacist.call<{ orders: { id: number }[] }>('aggregation.create', { ...selection, fingerprint: preview.fingerprint, note: null });
  for (const o of aggregation.orders) {
    await pharmacist.call('orders.send', { id: o.id });
    const order = await pharmacist.call<{ lines: { id: number; drugId: number }[] }>('orders.get', { id: o.id });
    await pharmacist.call('receipts.create', {
      poId: o.id,
      invoiceNo: 'FP20260301',
      lines: order.lines.flatMap((line) =>
        drugs.find((d) => ids[d.key] === line.drugId)!.lots.map((lot) => ({ poLineId: line.id, batchNo: lot.batchNo, expiryDate: lot.expiryDate, qty: lot.qty })),
      ),
    });
  }
  const pending = await pharmacist.call<{ requisitionLineId: number; outstandingQty: number }[]>('deliveries.pending', { clinicId });
  const delivery = await pharmacist.call<{ id: number; lines: { id: number; qty: number }[] }>('deliveries.create', {
    clinicId,
    lines: pending.map((p) => ({ requisitionLineId: p.requisitionLineId, qty: p.outstandingQty })),
  });
  await doctor.call('deliveries.sign', { id: delivery.id, lines: delivery.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })) });
  return ids;
}

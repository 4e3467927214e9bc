import type { APIRequestContext, Browser } from '@playwright/test';
import { validCreditCode } from '../helpers/catalog';

/** Seeding through the real HTTP API, for end-to-end tests whose subject is a later step of the flow. */

export async function api(req: APIRequestContext, method: string, body: unknown): Promise<any> {
  const res = await req.post(`api/${method}`, { data: body });
  const json = await res.json();
  if (!res.ok()) throw new Error(`${method}: ${JSON.stringify(json)}`);
  return json;
}

/** A signed-in API client for seeding (an account with its initial password already replaced). */
export async function apiAs(browser: Browser, baseURL: string, username: string, password: string, newPassword?: string): Promise<APIRequestContext> {
  const ctx = await browser.newContext({ baseURL });
  const req = ctx.request;
  await api(req, 'auth.login', { username, password });
  if (newPassword) await api(req, 'auth.changePassword', { oldPassword: password, newPassword });
  return req;
}

/**
 * A township as most specs start it, through the API: the hub (administrator's password `password`), the clinic
 * C01 东湖村卫生室, its doctor cy01 王建国 and the pharmacist yaoku 周药师 (both with `password` after their first
 * login), and the seeded catalog.
 */
export async function seedTownship(browser: Browser, baseURL: string, password: string) {
  const setup = await browser.newContext({ baseURL });
  await api(setup.request, 'setup.initialize', { hubName: '青石镇卫生院', adminUsername: 'admin', adminDisplayName: '张院长', adminPassword: password });
  const clinic = await api(setup.request, 'clinics.create', { code: 'C01', name: '东湖村卫生室', village: '东湖村' });
  await api(setup.request, 'users.create', { username: 'yaoku', initialPassword: 'Chushi2026', displayName: '周药师', role: 'pharmacist', clinicId: null });
  await api(setup.request, 'users.create', {
    username: 'cy01',
    initialPassword: 'Chushi2026',
    displayName: '王建国',
    role: 'village_doctor',
    clinicId: clinic.id,
  });
  await setup.close();
  const pharmacist = await apiAs(browser, baseURL, 'yaoku', 'Chushi2026', password);
  const doctor = await apiAs(browser, baseURL, 'cy01', 'Chushi2026', password);
  const ids = await seedCatalog(pharmacist);
  return { clinicId: clinic.id as number, pharmacist, doctor, ids };
}

/** The clinic asks for `qty` base units of a drug, the hub approves and orders them: the sent order, to receive. */
export async function orderForClinic(pharmacist: APIRequestContext, doctor: APIRequestContext, drugId: number, qty: number, submitToken: string) {
  const req = await api(doctor, 'requisitions.submit', { submitToken, lines: [{ drugId, qty, enteredIn: 'base' }] });
  await api(pharmacist, 'requisitions.decide', { id: req.id, lines: req.lines.map((l: { id: number }) => ({ lineId: l.id, decision: 'approved' })) });
  const selection = { requisitionIds: [req.id], hubReplenishment: false };
  const preview = await api(pharmacist, 'aggregation.preview', selection);
  const agg = await api(pharmacist, 'aggregation.create', { ...selection, fingerprint: preview.fingerprint });
  await api(pharmacist, 'orders.send', { id: agg.orders[0].id });
  return api(pharmacist, 'orders.get', { id: agg.orders[0].id });
}

/** The catalog through the master-data API, as the pharmacist enters it: two suppliers, four drugs, contract prices. */
export async function seedCatalog(req: APIRequestContext): Promise<Record<string, number>> {
  const supplier = async (name: string, body: string) =>
    (await api(req, 'suppliers.create', { name, creditCode: validCreditCode(body), contact: '刘经理', phone: '0731-84001234', address: null, licenceNo: null }))
      .id as number;
  const guoyao = await supplier('国药控股湖南有限公司', '91430000183763178');
  const jiuzhou = await supplier('九州通医药集团湖南有限公司', '91430100765623045');
  const drug = async (
    nhsaCode: string,
    genericName: string,
    dosageForm: string,
    spec: string,
    packSize: number,
    baseUnit: string,
    supplierId: number,
    price: number,
    vbp = false,
  ) => {
    const d = await api(req, 'catalog.create', {
      nhsaCode,
      genericName,
      dosageForm,
      spec,
      packUnit: '盒',
      baseUnit,
      packSize,
      manufacturer: '华北制药股份有限公司',
      insuranceClass: 'A',
      vbp,
      vbpBatch: vbp ? '第四批' : null,
      vbpPrice: vbp ? price : null,
      defaultSupplierId: supplierId,
    });
    await api(req, 'suppliers.setPrices', { supplierId, prices: [{ drugId: d.id, packPrice: price }] });
    return d.id as number;
  };
  return {
    amox: await drug('XJ01CAA040A001010100001', '阿莫西林胶囊', '胶囊剂', '0.25g*24粒', 24, '粒', guoyao, 12_500_000),
    ibu: await drug('XM01AEB090E001010100002', '布洛芬缓释胶囊', '胶囊剂', '0.3g*20粒', 20, '粒', guoyao, 9_800_000),
    aml: await drug('XC08CAA010A001010100003', '氨氯地平片', '片剂', '5mg*28片', 28, '片', jiuzhou, 3_200_000, true),
    amlBrand: await drug('XC08CAA010A001010100004', '氨氯地平片', '片剂', '5mg*7片', 7, '片', jiuzhou, 24_500_000),
  };
}

/**
 * Stock on a clinic's shelf through the real workflows only: the doctor requests the drugs, the pharmacist
 * approves, aggregates, sends the orders, receives them lot by lot and issues everything to the clinic, and
 * the doctor signs for it.
 */
export async function stockClinic(
  pharmacist: APIRequestContext,
  doctor: APIRequestContext,
  clinicId: number,
  items: { drugId: number; lots: { batchNo: string; expiryDate: string; qty: number }[] }[],
  opts: { sign?: boolean } = {},
): Promise<void> {
  const total = (i: (typeof items)[number]) => i.lots.reduce((n, l) => n + l.qty, 0);
  const requisition = await api(doctor, 'requisitions.submit', {
    submitToken: `e2e-stock-${clinicId}-${items.map((i) => i.drugId).join('-')}`,
    note: null,
    lines: items.map((i) => ({ drugId: i.drugId, qty: total(i), enteredIn: 'pack', note: null })),
  });
  await api(pharmacist, 'requisitions.decide', {
    id: requisition.id,
    lines: requisition.lines.map((l: { id: number }) => ({ lineId: l.id, decision: 'approved' })),
  });
  const selection = { requisitionIds: [requisition.id], hubReplenishment: false };
  const preview = await api(pharmacist, 'aggregation.preview', selection);
  const aggregation = await api(pharmacist, 'aggregation.create', { ...selection, fingerprint: preview.fingerprint, note: null });
  for (const o of aggregation.orders as { id: number }[]) {
    await api(pharmacist, 'orders.send', { id: o.id });
    const order = await api(pharmacist, 'orders.get', { id: o.id });
    await api(pharmacist, 'receipts.create', {
      poId: o.id,
      invoiceNo: `FP-${o.id}`,
      lines: (order.lines as { id: number; drugId: number }[]).flatMap((line) =>
        items.find((i) => i.drugId === line.drugId)!.lots.map((lot) => ({ poLineId: line.id, batchNo: lot.batchNo, expiryDate: lot.expiryDate, qty: lot.qty })),
      ),
    });
  }
  const pending = (await api(pharmacist, 'deliveries.pending', { clinicId })) as { requisitionLineId: number; outstandingQty: number }[];
  const delivery = await api(pharmacist, 'deliveries.create', {
    clinicId,
    lines: pending.map((p) => ({ requisitionLineId: p.requisitionLineId, qty: p.outstandingQty })),
  });
  // Left in transit when the test signs for it itself.
  if (opts.sign === false) return;
  await api(doctor, 'deliveries.sign', {
    id: delivery.id,
    lines: (delivery.lines as { id: number; qty: number }[]).map((l) => ({ lineId: l.id, receivedQty: l.qty })),
  });
}

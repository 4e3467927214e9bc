import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClinic, createTestHub, createUser, type TestHub } from '../helpers/runtime';
import { createHttpHub, sessionCookie, type HttpHub } from '../helpers/http';
import { addDrug, addSupplier, hubStore, purchasingWorld, stock, token, type PurchasingWorld } from '../helpers/purchasing';

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as { code: string }).code;
  }
};

const line = (drugId: number, qty: number, enteredIn: 'pack' | 'base' = 'base') => ({ drugId, qty, enteredIn, note: null });

let hub: TestHub;
let w: PurchasingWorld;
let amox: number;
let ibu: number;
beforeEach(async () => {
  hub = await createTestHub();
  w = await purchasingWorld(hub);
  amox = addDrug(w.db, { name: '阿莫西林胶囊', form: '胶囊剂', spec: '0.25g*24粒', packSize: 24, baseUnit: '粒' });
  ibu = addDrug(w.db, { name: '布洛芬缓释胶囊', form: '胶囊剂', spec: '0.3g*20粒', packSize: 20, baseUnit: '粒' });
});
afterEach(() => hub.close());

const count = (sqlText: string, ...params: unknown[]) => (w.db.prepare(sqlText).get(...params) as { n: number }).n;

describe('drafts', () => {
  it('saves a draft with a snapshot of each drug, and a retried first save does not make two', async () => {
    const createToken = token();
    const first = await w.clinicA.doctor.call('requisitions.saveDraft', { createToken, note: '春季备药', lines: [line(amox, 48, 'pack'), line(ibu, 30)] });
    expect(first).toMatchObject({
      status: 'draft',
      clinicId: w.clinicA.id,
      note: '春季备药',
      lineCount: 2,
      can: { edit: true, submit: true, cancel: true, review: false },
    });
    expect(first.docNo).toMatch(/^QL-202603-\d{4}$/);
    expect(first.lines[0]).toMatchObject({
      drugName: '阿莫西林胶囊',
      spec: '0.25g*24粒',
      packSize: 24,
      baseUnit: '粒',
      requestedQty: 48,
      enteredIn: 'pack',
      decision: 'pending',
    });

    const again = await w.clinicA.doctor.call('requisitions.saveDraft', { createToken, note: '春季备药', lines: [line(amox, 48, 'pack'), line(ibu, 30)] });
    expect(again.id).toBe(first.id);
    expect(count('SELECT count(*) AS n FROM requisitions')).toBe(1);

    // Editing the catalog later does not rewrite the line.
    w.db.prepare("UPDATE drugs SET generic_name = '阿莫西林胶囊（新）' WHERE id = ?").run(amox);
    const edited = await w.clinicA.doctor.call('requisitions.saveDraft', { id: first.id, note: null, lines: [line(ibu, 40)] });
    expect(edited.lines.map((l) => [l.drugName, l.requestedQty])).toEqual([['布洛芬缓释胶囊', 40]]);
  });

  it('refuses packs that are not whole packs, a drug twice, and an inactive drug — and saves nothing', async () => {
    const stopped = addDrug(w.db, { name: '已停用药', active: false });
    for (const lines of [[line(amox, 30, 'pack')], [line(amox, 24), line(amox, 24)], [line(stopped, 10)]]) {
      const err = await w.clinicA.doctor.call('requisitions.saveDraft', { createToken: token(), note: null, lines }).catch((e) => e);
      expect(err.code).toBe('VALIDATION');
      expect(err.message).toMatch(/[\u4e00-\u9fa5]/);
    }
    await expect(w.clinicA.doctor.call('requisitions.saveDraft', { createToken: token(), note: null, lines: [line(amox, 30, 'pack')] })).rejects.toMatchObject({
      message: expect.stringContaining('整盒'),
    });
    expect(count('SELECT count(*) AS n FROM requisitions')).toBe(0);
  });

  it('lets a pharmacist enter a requisition for a named clinic only', async () => {
    expect(await codeOf(w.pharmacist.call('requisitions.saveDraft', { createToken: token(), note: null, lines: [line(amox, 24)] }))).toBe('VALIDATION');
    const req = await w.pharmacist.call('requisitions.saveDraft', { createToken: token(), clinicId: w.clinicB.id, note: '电话报送', lines: [line(amox, 24)] });
    expect(req.clinicId).toBe(w.clinicB.id);
  });
});

describe('submission', () => {
  it('is idempotent: the same submit token returns the same requisition and changes nothing', async () => {
    const submitToken = token();
    const input = { submitToken, note: null, lines: [line(amox, 48, 'pack')] };
    const first = await w.clinicA.doctor.call('requisitions.submit', input);
    expect(first).toMatchObject({ status: 'submitted', can: { edit: false, submit: false } });
    expect(first.lines[0]).toMatchObject({ stockOnHand: 0, amc: 0, inTransit: 0, suggestedQty: 0 });
    const second = await w.clinicA.doctor.call('requisitions.submit', { ...input, lines: [line(amox, 96, 'pack')] });
    expect(second.id).toBe(first.id);
    expect(second.lines[0].requestedQty).toBe(48);
    expect(count('SELECT count(*) AS n FROM requisitions')).toBe(1);
  });

  it('submits a saved draft; a second submit of it with another token is refused', async () => {
    const draft = await w.clinicA.doctor.call('requisitions.saveDraft', { createToken: token(), note: null, lines: [line(amox, 24)] });
    const sub = await w.clinicA.doctor.call('requisitions.submit', { submitToken: token(), id: draft.id, note: '加急', lines: [line(amox, 48)] });
    expect(sub).toMatchObject({ id: draft.id, status: 'submitted', note: '加急' });
    expect(await codeOf(w.clinicA.doctor.call('requisitions.submit', { submitToken: token(), id: draft.id, note: null, lines: [line(amox, 24)] }))).toBe(
      'INVALID_STATE',
    );
    expect(await codeOf(w.clinicA.doctor.call('requisitions.saveDraft', { id: draft.id, note: null, lines: [line(amox, 24)] }))).toBe('INVALID_STATE');
  });

  it('refuses a submit token another clinic used (never leaks that requisition)', async () => {
    const submitToken = token();
    await w.clinicA.doctor.call('requisitions.submit', { submitToken, note: null, lines: [line(amox, 24)] });
    expect(await codeOf(w.clinicB.doctor.call('requisitions.submit', { submitToken, note: null, lines: [line(amox, 24)] }))).toBe('FORBIDDEN_CLINIC');
  });

  it('withdraws a submitted requisition before review, not after', async () => {
    const a = await w.clinicA.doctor.call('requisitions.submit', { submitToken: token(), note: null, lines: [line(amox, 24)] });
    expect((await w.clinicA.doctor.call('requisitions.cancel', { id: a.id, reason: '报错了' })).status).toBe('cancelled');
    const b = await w.clinicA.doctor.call('requisitions.submit', { submitToken: token(), note: null, lines: [line(amox, 24), line(ibu, 20)] });
    await w.pharmacist.call('requisitions.decide', { id: b.id, lines: [{ lineId: b.lines[0].id, decision: 'approved', reason: null }] });
    expect(await codeOf(w.clinicA.doctor.call('requisitions.cancel', { id: b.id, reason: null }))).toBe('INVALID_STATE');
  });
});

describe('submission over HTTP', () => {
  let http: HttpHub;
  let cookie: string;
  let drug: number;
  beforeAll(async () => {
    http = await createHttpHub();
    const clinic = await createClinic(http, 'C09', '南山村卫生室');
    await createUser(http, { username: 'cy09', role: 'village_doctor', clinicId: clinic.id });
    const db = http.runtime.app.db;
    drug = addDrug(db, { name: '头孢氨苄胶囊', packSize: 24, supplierId: addSupplier(db, '测试医药') });
    cookie = sessionCookie((await http.post('auth.login', { username: 'cy09', password: 'Changed123' })).headers);
  });
  afterAll(() => http.close());

  it('never creates two requisitions from two concurrent submits with the same token', async () => {
    const body = { submitToken: token(), note: null, lines: [line(drug, 48, 'pack')] };
    const results = await Promise.all([1, 2, 3].map(() => http.post('requisitions.submit', body, { cookie })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(new Set(results.map((r) => r.json.id)).size).toBe(1);
    expect((http.runtime.app.db.prepare('SELECT count(*) AS n FROM requisitions WHERE submit_token = ?').get(body.submitToken) as { n: number }).n).toBe(1);
    expect((http.runtime.app.db.prepare('SELECT count(*) AS n FROM requisitions').get() as { n: number }).n).toBe(1);
  });

  it('refuses bad quantities with a Chinese message and field paths', async () => {
    const res = await http.post('requisitions.submit', { submitToken: token(), note: null, lines: [line(drug, -5)] }, { cookie });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('VALIDATION');
    expect(res.json.error.issues[0].path).toBe('lines.0.qty');
    expect(res.json.error.message).toContain('数量必须大于 0');
  });
});

describe('review', () => {
  let reqId: number;
  let lines: { id: number }[];
  beforeEach(async () => {
    const r = await w.clinicA.doctor.call('requisitions.submit', { submitToken: token(), note: null, lines: [line(amox, 48, 'pack'), line(ibu, 40)] });
    reqId = r.id;
    lines = r.lines;
  });

  it('approves, adjusts with a reason, and marks the requisition reviewed when every line is decided', async () => {
    stock(w.db, hubStore(w.db), amox, 100);
    stock(w.db, hubStore(w.db), amox, 50, { expiry: '2026-01-31' }); // expired: not counted
    expect((await w.pharmacist.call('requisitions.get', { id: reqId })).lines.map((l) => l.hubStock)).toEqual([100, 0]);
    const partly = await w.pharmacist.call('requisitions.decide', { id: reqId, lines: [{ lineId: lines[0].id, decision: 'approved', reason: null }] });
    expect(partly).toMatchObject({ status: 'submitted', pendingCount: 1 });
    const done = await w.pharmacist.call('requisitions.decide', {
      id: reqId,
      lines: [{ lineId: lines[1].id, decision: 'adjusted', approvedQty: 20, reason: '近三月用量小' }],
    });
    expect(done).toMatchObject({ status: 'reviewed', pendingCount: 0, adjustedCount: 1 });
    expect(done.lines.map((l) => [l.decision, l.approvedQty, l.decisionReason, l.decidedByName])).toEqual([
      ['approved', 48, null, '周药师'],
      ['adjusted', 20, '近三月用量小', '周药师'],
    ]);
    // The doctor sees every decision.
    const seen = await w.clinicA.doctor.call('requisitions.get', { id: reqId });
    expect(seen.lines[1]).toMatchObject({ decision: 'adjusted', approvedQty: 20, decisionReason: '近三月用量小' });
    expect(seen.lines[1].vbpSuggestion).toBeNull();
    expect(seen.lines[0].hubStock).toBeNull(); // the hub's stock is the hub's business
  });

  it('requires a reason to adjust or reject, and a changed quantity to adjust; nothing changes on refusal', async () => {
    const cases = [
      { lineId: lines[1].id, decision: 'adjusted' as const, approvedQty: 20, reason: null },
      { lineId: lines[1].id, decision: 'adjusted' as const, approvedQty: 20, reason: '   ' },
      { lineId: lines[1].id, decision: 'adjusted' as const, approvedQty: 40, reason: '同数量' },
      { lineId: lines[1].id, decision: 'adjusted' as const, reason: '没填数量' },
      { lineId: lines[1].id, decision: 'rejected' as const, reason: null },
      { lineId: lines[1].id, decision: 'approved' as const, approvedQty: 10, reason: null },
    ];
    for (const c of cases) {
      const err = await w.pharmacist
        .call('requisitions.decide', { id: reqId, lines: [{ lineId: lines[0].id, decision: 'approved', reason: null }, c] })
        .catch((e) => e);
      expect(err.code, JSON.stringify(c)).toBe('VALIDATION');
    }
    expect(count("SELECT count(*) AS n FROM requisition_lines WHERE decision <> 'pending'")).toBe(0);
  });

  it('refuses a line of another requisition', async () => {
    const other = await w.clinicB.doctor.call('requisitions.submit', { submitToken: token(), note: null, lines: [line(amox, 24)] });
    expect(
      await codeOf(w.pharmacist.call('requisitions.decide', { id: reqId, lines: [{ lineId: other.lines[0].id, decision: 'approved', reason: null }] })),
    ).toBe('VALIDATION');
  });

  it('closes a requisition whose lines are all rejected', async () => {
    const r = await w.pharmacist.call('requisitions.decide', {
      id: reqId,
      lines: lines.map((l) => ({ lineId: l.id, decision: 'rejected' as const, reason: '药库已无此规格' })),
    });
    expect(r.status).toBe('closed');
  });

  it('is for the hub pharmacist: a doctor, finance or admin cannot review', async () => {
    const decision = { id: reqId, lines: [{ lineId: lines[0].id, decision: 'approved' as const, reason: null }] };
    expect(await codeOf(w.clinicA.doctor.call('requisitions.decide', decision))).toBe('FORBIDDEN');
    const finance = await createUser(hub, { username: 'caiwu', role: 'finance' });
    expect(await codeOf(finance.call('requisitions.decide', decision))).toBe('FORBIDDEN');
    expect(await codeOf(hub.admin.call('requisitions.decide', decision))).toBe('FORBIDDEN');
  });
});

describe('clinic scope', () => {
  it("refuses a doctor another clinic's requisition with 403, and lists only their own", async () => {
    const b = await w.clinicB.doctor.call('requisitions.submit', { submitToken: token(), note: null, lines: [line(amox, 24)] });
    const a = await w.clinicA.doctor.call('requisitions.submit', { submitToken: token(), note: null, lines: [line(ibu, 20)] });
    expect(await codeOf(w.clinicA.doctor.call('requisitions.get', { id: b.id }))).toBe('FORBIDDEN_CLINIC');
    expect(await codeOf(w.clinicA.doctor.call('requisitions.cancel', { id: b.id, reason: null }))).toBe('FORBIDDEN_CLINIC');
    expect(await codeOf(w.clinicA.doctor.call('requisitions.list', { clinicId: w.clinicB.id }))).toBe('FORBIDDEN_CLINIC');
    expect(
      await codeOf(w.clinicA.doctor.call('requisitions.saveDraft', { createToken: token(), clinicId: w.clinicB.id, note: null, lines: [line(amox, 24)] })),
    ).toBe('FORBIDDEN_CLINIC');
    const list = await w.clinicA.doctor.call('requisitions.list', {});
    expect(list.rows.map((r) => r.id)).toEqual([a.id]);
    const denied = w.db.prepare("SELECT count(*) AS n FROM audit_log WHERE outcome = 'denied' AND error_code = 'FORBIDDEN_CLINIC'").get() as { n: number };
    expect(denied.n).toBeGreaterThanOrEqual(4);
  });

  it('keeps clinic drafts out of the hub inbox', async () => {
    await w.clinicA.doctor.call('requisitions.saveDraft', { createToken: token(), note: null, lines: [line(amox, 24)] });
    const sub = await w.clinicB.doctor.call('requisitions.submit', { submitToken: token(), note: null, lines: [line(amox, 24)] });
    const inbox = await w.pharmacist.call('requisitions.list', { status: ['submitted', 'draft'] });
    expect(inbox.rows.map((r) => r.id)).toEqual([sub.id]);
  });
});

describe('应采尽采: switching to a 集采 drug', () => {
  it('suggests the 集采 equivalent with the price difference and records the switch', async () => {
    const supplier = addSupplier(w.db, '国药控股湖南有限公司');
    const brand = addDrug(w.db, { name: '氨氯地平片', form: '片剂', spec: '5mg*7片', packSize: 7, supplierId: supplier, packPrice: 21_000_000 });
    const vbp = addDrug(w.db, {
      name: '氨氯地平片',
      form: '片剂',
      spec: '5mg*28片',
      packSize: 28,
      vbp: true,
      vbpPrice: 3_000_000,
      supplierId: supplier,
      packPrice: 2_800_000,
    });
    addDrug(w.db, { name: '氨氯地平片', form: '胶囊剂', spec: '5mg*28粒', packSize: 28, vbp: true, vbpPrice: 1_000_000 }); // other dosage form: not an equivalent
    const r = await w.clinicA.doctor.call('requisitions.submit', { submitToken: token(), note: null, lines: [line(brand, 28, 'base')] });
    const seen = await w.pharmacist.call('requisitions.get', { id: r.id });
    const s = seen.lines[0].vbpSuggestion!;
    expect(s.currentUnitPrice).toBe(3_000_000);
    expect(s.alternatives).toHaveLength(1);
    // 28 tablets: 4 packs × 21.00 = 84.00 against 1 pack × 2.80 → 81.20 saved.
    expect(s.alternatives[0]).toMatchObject({ drugId: vbp, unitPrice: 100_000, packPrice: 2_800_000, saving: 8120, supplierName: '国药控股湖南有限公司' });

    expect(await codeOf(w.clinicA.doctor.call('requisitions.switchToVbp', { lineIds: [seen.lines[0].id], vbpDrugId: vbp }))).toBe('FORBIDDEN');
    expect(await codeOf(w.pharmacist.call('requisitions.switchToVbp', { lineIds: [seen.lines[0].id], vbpDrugId: brand }))).toBe('BUSINESS_RULE');
    expect(await w.pharmacist.call('requisitions.switchToVbp', { lineIds: [seen.lines[0].id], vbpDrugId: vbp })).toEqual({ switched: 1 });
    const after = await w.clinicA.doctor.call('requisitions.get', { id: r.id });
    expect(after.lines[0]).toMatchObject({
      drugId: vbp,
      spec: '5mg*28片',
      vbp: true,
      requestedQty: 28,
      originalDrug: { drugId: brand, spec: '5mg*7片' },
    });
    const audit = w.db.prepare("SELECT details FROM audit_log WHERE method = 'requisitions.switchToVbp' AND outcome = 'ok'").get() as { details: string };
    expect(audit.details).toContain(`${brand}→${vbp}`);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InternalClient } from '../../electron/api/internal';
import { createClinic, createTestHub, createUser, type TestHub } from '../helpers/runtime';
import { addDrug, drug, validCreditCode } from '../helpers/catalog';

let hub: TestHub;
let pharmacist: InternalClient;
let finance: InternalClient;

const GUOKANG = {
  name: '湖南国康医药有限公司',
  creditCode: validCreditCode('91430100MA4L7K2X3'),
  licenceNo: '湘AA7310126',
  contact: '刘经理',
  phone: '0731-88612345',
};
const HUARUI = { name: '华瑞医药湖南有限公司', creditCode: validCreditCode('914301007632845HT') };

beforeEach(async () => {
  hub = await createTestHub();
  pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
  finance = await createUser(hub, { username: 'caiwu', role: 'finance' });
});
afterEach(() => hub.close());

const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e) => e as { code: string; message: string; issues?: { path: string; message: string }[] },
  );

describe('drugs', () => {
  it('creates a drug with normalised codes and reads it back in full', async () => {
    const created = await pharmacist.call(
      'catalog.create',
      drug({
        genericName: '阿莫西林胶囊',
        nhsaCode: ' xj01caa040e001010101445 ',
        approvalNo: 'h20140345',
        vbp: true,
        vbpBatch: '第七批',
        vbpPrice: 3_240_000,
        referencePrice: 9_800_000,
      }),
    );
    expect(created).toMatchObject({
      nhsaCode: 'XJ01CAA040E001010101445',
      // An 进口药品注册证号 is kept as written, never turned into a 国药准字 that does not exist.
      approvalNo: 'H20140345',
      vbp: true,
      vbpPrice: 3_240_000,
      rx: true,
      zeroMarkup: true,
      essential: false,
      active: true,
      inUse: false,
      defaultSupplierId: null,
      defaultSupplierPrice: null,
    });
    expect(await finance.call('catalog.get', { id: created.id })).toEqual(created);
    const audit = hub.runtime.app.db.prepare("SELECT target FROM audit_log WHERE method = 'catalog.create'").get() as { target: string };
    expect(audit.target).toBe(`drug:${created.id}`);
  });

  it('explains invalid input in Chinese and saves nothing', async () => {
    const e1 = await failure(pharmacist.call('catalog.create', drug({ genericName: '阿莫西林胶囊', nhsaCode: 'AJ01' })));
    expect(e1).toMatchObject({ code: 'VALIDATION' });
    expect(e1!.issues).toContainEqual({ path: 'nhsaCode', place: '医保药品编码', message: '医保药品编码应以 X（西药）或 Z（中成药）开头' });
    const e2 = await failure(pharmacist.call('catalog.create', drug({ genericName: '', approvalNo: '国药准字H123' })));
    expect(e2!.issues!.map((i) => i.path)).toEqual(['genericName', 'approvalNo']);
    expect(e2!.issues![0].message).toBe('请填写通用名');
    const e3 = await failure(pharmacist.call('catalog.create', drug({ genericName: '甲', packSize: 0 })));
    expect(e3!.issues![0]).toMatchObject({ path: 'packSize', place: '包装数量', message: '包装数量至少为 1' });
    const count = hub.runtime.app.db.prepare('SELECT count(*) AS n FROM drugs').get() as { n: number };
    expect(count.n).toBe(0);
  });

  it('refuses a second drug with the same NHSA code', async () => {
    await addDrug(pharmacist, { genericName: '阿莫西林胶囊', nhsaCode: 'XJ01CAA040E001010101445' });
    const e = await failure(addDrug(pharmacist, { genericName: '阿莫西林胶囊', nhsaCode: 'xj01caa040e001010101445' }));
    expect(e).toMatchObject({ code: 'DUPLICATE', message: '医保药品编码“XJ01CAA040E001010101445”已被其他药品使用' });
  });

  it('edits a drug without touching documents that recorded it', async () => {
    const d = await addDrug(pharmacist, { genericName: '阿莫西林胶囊', spec: '0.25g' });
    // A purchase order line, as purchasing writes it, keeps its own snapshot of the drug.
    const db = hub.runtime.app.db;
    const at = hub.clock.now().toISOString();
    const s = await pharmacist.call('suppliers.create', GUOKANG);
    const userId = (db.prepare("SELECT id FROM users WHERE username = 'yaoku'").get() as { id: number }).id;
    const po = db
      .prepare(
        `INSERT INTO purchase_orders (doc_no, supplier_id, supplier_name, business_date, status, total_amount, created_by, created_at, updated_at, sent_at)
         VALUES ('CG-202603-0001', ?, ?, ?, 'sent', 7776, ?, ?, ?, ?)`,
      )
      .run(s.id, s.name, at.slice(0, 10), userId, at, at, at);
    db.prepare(
      `INSERT INTO purchase_order_lines (po_id, line_no, drug_id, nhsa_code, drug_name, spec, dosage_form, manufacturer, pack_unit, base_unit, pack_size, insurance_class, vbp, qty, pack_price, amount)
       VALUES (?, 1, ?, ?, '阿莫西林胶囊', '0.25g', '片剂', '测试制药有限公司', '盒', '片', 24, 'A', 0, 576, 3240000, 7776)`,
    ).run(po.lastInsertRowid, d.id, d.nhsaCode);

    const { id, createdAt, updatedAt, defaultSupplierName, defaultSupplierPrice, inUse, ...fields } = d;
    const updated = await pharmacist.call('catalog.update', { id, ...fields, genericName: '阿莫西林胶囊（新包装）', spec: '0.5g' });
    expect(updated).toMatchObject({ genericName: '阿莫西林胶囊（新包装）', spec: '0.5g', inUse: true });
    expect(db.prepare('SELECT drug_name, spec, pack_price FROM purchase_order_lines').get()).toEqual({
      drug_name: '阿莫西林胶囊',
      spec: '0.25g',
      pack_price: 3_240_000,
    });
    // The new name is searchable, and a drug with history keeps its pack.
    expect((await pharmacist.call('catalog.search', { q: 'amxljnxbz' })).map((h) => h.id)).toEqual([id]);
    const e = await failure(pharmacist.call('catalog.update', { id, ...fields, packSize: 12 }));
    expect(e).toMatchObject({ code: 'BUSINESS_RULE', message: expect.stringMatching(/不能再修改包装数量/) });
  });

  it('deactivates a drug: gone from search, still readable', async () => {
    const d = await addDrug(pharmacist, { genericName: '地西泮片' });
    await pharmacist.call('catalog.setActive', { id: d.id, active: false });
    expect(await pharmacist.call('catalog.search', { q: 'dxp' })).toEqual([]);
    expect((await pharmacist.call('catalog.get', { id: d.id })).active).toBe(false);
    expect((await pharmacist.call('catalog.list', {})).total).toBe(0);
    expect((await pharmacist.call('catalog.list', { status: 'inactive' })).total).toBe(1);
  });

  it('lists with filters and paging, ranked by the search when a query is given', async () => {
    const s = await pharmacist.call('suppliers.create', GUOKANG);
    const a = await addDrug(pharmacist, { genericName: '阿莫西林胶囊', vbp: true, vbpBatch: '第七批', insuranceClass: 'A', essential: true });
    const b = await addDrug(pharmacist, { genericName: '阿奇霉素片', insuranceClass: 'B', defaultSupplierId: s.id });
    const c = await addDrug(pharmacist, { genericName: '维生素C片', insuranceClass: 'none' });
    const ids = async (input: Parameters<typeof finance.call<'catalog.list'>>[1]) => (await finance.call('catalog.list', input)).rows.map((d) => d.id);
    expect(await ids({})).toEqual([a.id, b.id, c.id]);
    expect(await ids({ vbp: true })).toEqual([a.id]);
    expect(await ids({ essential: true })).toEqual([a.id]);
    expect(await ids({ insuranceClass: 'B' })).toEqual([b.id]);
    expect(await ids({ supplierId: s.id })).toEqual([b.id]);
    await pharmacist.call('suppliers.setPrices', { supplierId: s.id, prices: [{ drugId: c.id, packPrice: 2_800_000 }] });
    expect(await ids({ supplierId: s.id })).toEqual([b.id, c.id]);
    expect(await ids({ q: 'a' })).toEqual([b.id, a.id]);
    expect(await ids({ q: 'amxl' })).toEqual([a.id]);
    const page2 = await finance.call('catalog.list', { page: 2, pageSize: 2 });
    expect(page2).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(page2.rows.map((d) => d.id)).toEqual([c.id]);
  });
});

describe('suppliers', () => {
  it('creates a supplier with a checked, normalised credit code', async () => {
    const s = await pharmacist.call('suppliers.create', { ...GUOKANG, creditCode: GUOKANG.creditCode.toLowerCase() });
    expect(s).toMatchObject({ name: GUOKANG.name, creditCode: GUOKANG.creditCode, active: true, priceCount: 0, defaultForCount: 0 });
    expect(await finance.call('suppliers.get', { id: s.id })).toEqual(s);
    const bad = await failure(
      pharmacist.call('suppliers.create', { name: '某医药公司', creditCode: GUOKANG.creditCode.slice(0, 17) + (GUOKANG.creditCode[17] === '0' ? '1' : '0') }),
    );
    expect(bad).toMatchObject({ code: 'VALIDATION' });
    expect(bad!.issues).toEqual([{ path: 'creditCode', place: '统一社会信用代码', message: '统一社会信用代码校验位不正确，请核对营业执照' }]);
  });

  it('refuses duplicate names and credit codes', async () => {
    await pharmacist.call('suppliers.create', GUOKANG);
    expect(await failure(pharmacist.call('suppliers.create', { ...HUARUI, name: GUOKANG.name }))).toMatchObject({
      code: 'DUPLICATE',
      message: '配送企业“湖南国康医药有限公司”已存在',
    });
    expect(await failure(pharmacist.call('suppliers.create', { ...HUARUI, creditCode: GUOKANG.creditCode }))).toMatchObject({
      code: 'DUPLICATE',
      message: '统一社会信用代码已登记为“湖南国康医药有限公司”',
    });
  });

  it('keeps contract prices per supplier and drug, listed both ways', async () => {
    const s1 = await pharmacist.call('suppliers.create', GUOKANG);
    const s2 = await pharmacist.call('suppliers.create', HUARUI);
    const amx = await addDrug(pharmacist, { genericName: '阿莫西林胶囊', vbp: true, vbpBatch: '第七批', vbpPrice: 3_240_000 });
    const vc = await addDrug(pharmacist, { genericName: '维生素C片' });
    expect(
      await pharmacist.call('suppliers.setPrices', {
        supplierId: s1.id,
        prices: [
          { drugId: amx.id, packPrice: 3_240_000 },
          { drugId: vc.id, packPrice: 2_800_000 },
        ],
      }),
    ).toEqual({ changed: 2, unchanged: 0 });
    expect(await pharmacist.call('suppliers.setPrices', { supplierId: s2.id, prices: [{ drugId: vc.id, packPrice: 2_650_000 }] })).toEqual({
      changed: 1,
      unchanged: 0,
    });
    // Same prices again: nothing changes. A new price for one: one change.
    expect(
      await pharmacist.call('suppliers.setPrices', {
        supplierId: s1.id,
        prices: [
          { drugId: amx.id, packPrice: 3_240_000 },
          { drugId: vc.id, packPrice: 2_900_000 },
        ],
      }),
    ).toEqual({ changed: 1, unchanged: 1 });

    const bySupplier = await finance.call('suppliers.prices', { supplierId: s1.id });
    expect(bySupplier.map((p) => [p.genericName, p.packPrice, p.vbpPrice])).toEqual([
      ['阿莫西林胶囊', 3_240_000, 3_240_000],
      ['维生素C片', 2_900_000, null],
    ]);
    const byDrug = await finance.call('suppliers.prices', { drugId: vc.id });
    // Suppliers in pinyin order: 湖南 (hu nan) before 华瑞 (hua rui).
    expect(byDrug.map((p) => [p.supplierName, p.packPrice])).toEqual([
      ['湖南国康医药有限公司', 2_900_000],
      ['华瑞医药湖南有限公司', 2_650_000],
    ]);
    expect((await finance.call('suppliers.list', {})).map((s) => [s.name, s.priceCount])).toEqual([
      ['湖南国康医药有限公司', 2],
      ['华瑞医药湖南有限公司', 1],
    ]);
    // A price withdrawn is kept but no longer listed as active.
    await pharmacist.call('suppliers.setPrices', { supplierId: s2.id, prices: [{ drugId: vc.id, packPrice: 2_650_000, active: false }] });
    expect((await finance.call('suppliers.prices', { drugId: vc.id })).map((p) => p.supplierName)).toEqual(['湖南国康医药有限公司']);
    expect((await finance.call('suppliers.prices', { drugId: vc.id, includeInactive: true })).map((p) => p.active)).toEqual([true, false]);
    expect(await failure(finance.call('suppliers.prices', {}))).toMatchObject({ code: 'VALIDATION' });
  });

  it("links a drug's default supplier and shows its contract price, or its absence", async () => {
    const s = await pharmacist.call('suppliers.create', GUOKANG);
    const d = await addDrug(pharmacist, { genericName: '阿莫西林胶囊', defaultSupplierId: s.id });
    expect(d).toMatchObject({ defaultSupplierId: s.id, defaultSupplierName: GUOKANG.name, defaultSupplierPrice: null });
    await pharmacist.call('suppliers.setPrices', { supplierId: s.id, prices: [{ drugId: d.id, packPrice: 3_240_000 }] });
    expect(await pharmacist.call('catalog.get', { id: d.id })).toMatchObject({ defaultSupplierPrice: 3_240_000 });
    expect((await pharmacist.call('suppliers.prices', { drugId: d.id }))[0].isDefault).toBe(true);
    expect((await pharmacist.call('suppliers.get', { id: s.id })).defaultForCount).toBe(1);

    // An inactive supplier cannot become anyone's default, nor quote prices.
    const h = await pharmacist.call('suppliers.create', HUARUI);
    await pharmacist.call('suppliers.update', { id: h.id, active: false, ...HUARUI });
    const e = await failure(addDrug(pharmacist, { genericName: '维生素C片', defaultSupplierId: h.id }));
    expect(e).toMatchObject({ code: 'BUSINESS_RULE', message: expect.stringMatching(/已停用/) });
    expect(await failure(pharmacist.call('suppliers.setPrices', { supplierId: h.id, prices: [{ drugId: d.id, packPrice: 1 }] }))).toMatchObject({
      code: 'BUSINESS_RULE',
    });
    expect(await failure(addDrug(pharmacist, { genericName: '维生素C片', defaultSupplierId: 999 }))).toMatchObject({ code: 'VALIDATION' });
    expect((await pharmacist.call('suppliers.list', {})).map((x) => x.name)).toEqual([GUOKANG.name]);
    expect((await pharmacist.call('suppliers.list', { includeInactive: true })).map((x) => x.active)).toEqual([true, false]);
  });

  it('refuses prices for unknown drugs and twice the same drug', async () => {
    const s = await pharmacist.call('suppliers.create', GUOKANG);
    const d = await addDrug(pharmacist, { genericName: '阿莫西林胶囊' });
    expect(await failure(pharmacist.call('suppliers.setPrices', { supplierId: s.id, prices: [{ drugId: 999, packPrice: 1 }] }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      await failure(
        pharmacist.call('suppliers.setPrices', {
          supplierId: s.id,
          prices: [
            { drugId: d.id, packPrice: 1 },
            { drugId: d.id, packPrice: 2 },
          ],
        }),
      ),
    ).toMatchObject({ code: 'VALIDATION' });
    expect(await failure(pharmacist.call('suppliers.setPrices', { supplierId: s.id, prices: [{ drugId: d.id, packPrice: -1 }] }))).toMatchObject({
      code: 'VALIDATION',
    });
    expect((await pharmacist.call('suppliers.get', { id: s.id })).priceCount).toBe(0);
  });

  it('lets finance read but not write, and keeps village doctors out', async () => {
    const clinic = await createClinic(hub, 'C01');
    const doctor = await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId: clinic.id });
    expect(await failure(finance.call('suppliers.create', GUOKANG))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await failure(finance.call('catalog.create', drug({ genericName: '维生素C片' })))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await failure(doctor.call('suppliers.prices', { drugId: 1 }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await failure(doctor.call('catalog.export', {}))).toMatchObject({ code: 'FORBIDDEN' });
    const admin = hub.admin;
    expect((await admin.call('suppliers.create', GUOKANG)).name).toBe(GUOKANG.name);
  });
});

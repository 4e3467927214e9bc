import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InternalClient } from '../../electron/api/internal';
import { searchStatements } from '../../electron/domain/catalog/search';
import { termsForName } from '../../electron/domain/catalog/searchIndex';
import { createClinic, createTestHub, createUser, type TestHub } from '../helpers/runtime';
import { addDrug } from '../helpers/catalog';

let hub: TestHub;
let pharmacist: InternalClient;
const ids: Record<string, number> = {};

const names = async (q: string, extra: { includeInactive?: boolean; limit?: number; storeId?: number } = {}, client?: InternalClient) =>
  (await (client ?? pharmacist).call('catalog.search', { q, ...extra })).map((h) => h.genericName);

beforeAll(async () => {
  hub = await createTestHub();
  pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
  const add = async (key: string, fields: Parameters<typeof addDrug>[1]) => {
    ids[key] = (await addDrug(pharmacist, fields)).id;
  };
  await add('amxl', {
    genericName: '阿莫西林胶囊',
    dosageForm: '胶囊剂',
    baseUnit: '粒',
    manufacturer: '石药集团中诺药业（石家庄）有限公司',
    vbp: true,
    vbpBatch: '第七批',
    vbpPrice: 3_200_000,
    approvalNo: '国药准字H20003263',
    nhsaCode: 'XJ01CAA040E001010101445',
  });
  await add('amxlTrade', {
    genericName: '阿莫西林胶囊',
    tradeName: '阿莫仙',
    dosageForm: '胶囊剂',
    baseUnit: '粒',
    manufacturer: '珠海联邦制药股份有限公司中山分公司',
  });
  await add('amxlkl', { genericName: '阿莫西林克拉维酸钾片', manufacturer: '华北制药股份有限公司' });
  await add('insulin', {
    genericName: '重组人胰岛素注射液',
    dosageForm: '注射剂',
    spec: '3ml:300单位',
    baseUnit: '支',
    packSize: 1,
    packUnit: '支',
    manufacturer: '通化东宝药业股份有限公司',
  });
  await add('dex', { genericName: '地塞米松磷酸钠注射液', dosageForm: '注射剂', spec: '1ml:5mg', baseUnit: '支', packSize: 10 });
  await add('danshen', {
    genericName: '复方丹参滴丸',
    dosageForm: '滴丸剂',
    spec: '27mg',
    baseUnit: '丸',
    packSize: 180,
    packUnit: '瓶',
    nhsaCode: 'ZA12AAF0119010104040',
  });
  await add('renshen', { genericName: '人参健脾丸', dosageForm: '丸剂', spec: '6g', baseUnit: '丸', packSize: 10 });
  await add('dangshen', { genericName: '党参口服液', dosageForm: '口服液', spec: '10ml', baseUnit: '支', packSize: 10 });
  await add('shenling', { genericName: '参苓白术散', dosageForm: '散剂', spec: '6g', baseUnit: '袋', packSize: 10 });
  await add('xingjun', { genericName: '行军散', dosageForm: '散剂', spec: '0.9g', baseUnit: '瓶', packSize: 1, packUnit: '瓶' });
  await add('changchun', { genericName: '长春西汀注射液', dosageForm: '注射剂', spec: '2ml:10mg', baseUnit: '支', packSize: 10 });
  await add('lekadiping', { genericName: '乐卡地平片', spec: '10mg', packSize: 14, approvalNo: '国药准字H20057123' });
  await add('shanlang', { genericName: '氢溴酸山莨菪碱片', spec: '5mg', packSize: 100, packUnit: '瓶' });
  await add('vitc', { genericName: '维生素C片', spec: '0.1g', packSize: 100, packUnit: '瓶', vbp: false });
  await add('vitb', { genericName: '复合维生素B片', spec: '复方', packSize: 100, packUnit: '瓶' });
  await add('lvhuana', { genericName: '氯化钠注射液', dosageForm: '注射剂', spec: '0.9%:250ml', baseUnit: '瓶', packSize: 1, packUnit: '瓶' });
  await add('old', { genericName: '阿莫西林颗粒', dosageForm: '颗粒剂', baseUnit: '袋', packSize: 12 });
  await pharmacist.call('catalog.setActive', { id: ids.old, active: false });
});
afterAll(() => hub.close());

describe('catalog.search ranking', () => {
  it('finds by pinyin initials, 集采 first among names starting the same way', async () => {
    expect(await names('amxl')).toEqual(['阿莫西林胶囊', '阿莫西林胶囊', '阿莫西林克拉维酸钾片']);
    const hits = await pharmacist.call('catalog.search', { q: 'amxl' });
    expect(hits[0]).toMatchObject({ id: ids.amxl, vbp: true, vbpBatch: '第七批', spec: '0.25g', packSize: 24, packUnit: '盒', baseUnit: '粒', stockQty: null });
  });

  it('finds by full pinyin, by its prefix and inside it', async () => {
    expect(await names('amoxilin')).toEqual(['阿莫西林胶囊', '阿莫西林胶囊', '阿莫西林克拉维酸钾片']);
    expect(await names('amoxi')).toHaveLength(3);
    expect(await names('kelawei')).toEqual(['阿莫西林克拉维酸钾片']);
    expect(await names('lvhuana')).toEqual(['氯化钠注射液']);
    expect(await names('lhn')).toEqual(['氯化钠注射液']);
  });

  it('handles polyphonic characters: every reading is indexed', async () => {
    expect(await names('czryds')).toEqual(['重组人胰岛素注射液']);
    expect(await names('zzryds')).toEqual(['重组人胰岛素注射液']);
    expect(await names('chongzu')).toEqual(['重组人胰岛素注射液']);
    expect(await names('dsms')).toEqual(['地塞米松磷酸钠注射液']);
    expect(await names('fufangdanshen')).toEqual(['复方丹参滴丸']);
    expect(await names('ffds')).toEqual(['复方丹参滴丸']);
    expect(await names('rsjp')).toEqual(['人参健脾丸']);
    expect(await names('dangshen')).toEqual(['党参口服液']);
    expect(await names('slbzs')).toEqual(['参苓白术散']);
    expect(await names('shenling')).toEqual(['参苓白术散']);
    expect(await names('xjs')).toEqual(['行军散']);
    expect(await names('hjs')).toEqual(['行军散']);
    expect(await names('ccxt')).toEqual(['长春西汀注射液']);
    expect(await names('zcxt')).toEqual(['长春西汀注射液']);
    expect(await names('lkdp')).toEqual(['乐卡地平片']);
    expect(await names('ykdp')).toEqual(['乐卡地平片']);
    expect(await names('qxssldj')).toEqual(['氢溴酸山莨菪碱片']);
    expect(await names('shanliangdang')).toEqual(['氢溴酸山莨菪碱片']);
    expect(await names('shanlangdang')).toEqual(['氢溴酸山莨菪碱片']);
  });

  it('stores reading combinations for a polyphone-heavy name, capped', () => {
    const terms = termsForName('重组人胰岛素注射液')
      .filter((t) => t.atStart)
      .map((t) => t.term);
    expect(terms).toEqual(expect.arrayContaining(['重组人胰岛素注射液', 'czrydszsy', 'zzrydszsy', 'chongzurenyidaosuzhusheye']));
    const heavy = termsForName('长乐行重参地长乐行重参地');
    expect(heavy.filter((t) => t.atStart && /^[a-z]+$/.test(t.term)).length).toBeLessThanOrEqual(32 + 16);
  });

  it('puts a whole-name match before prefixes, and prefixes before substrings', async () => {
    expect(await names('wss')).toEqual(['维生素C片', '复合维生素B片']);
    expect(await names('维生素')).toEqual(['维生素C片', '复合维生素B片']);
    expect(await names('阿莫西林克拉维酸钾片')).toEqual(['阿莫西林克拉维酸钾片']);
    const exactFirst = await names('阿莫西林胶囊');
    expect(exactFirst.slice(0, 2)).toEqual(['阿莫西林胶囊', '阿莫西林胶囊']);
  });

  it('finds Chinese substrings and trade names', async () => {
    expect(await names('西林')).toEqual(['阿莫西林胶囊', '阿莫西林胶囊', '阿莫西林克拉维酸钾片']);
    expect(await names('莨菪')).toEqual(['氢溴酸山莨菪碱片']);
    const trade = await pharmacist.call('catalog.search', { q: '阿莫仙' });
    expect(trade.map((h) => h.id)).toEqual([ids.amxlTrade]);
    expect((await pharmacist.call('catalog.search', { q: 'amx' })).map((h) => h.id)).toContain(ids.amxlTrade);
  });

  it('finds by NHSA code (exact first, then by prefix), in any case', async () => {
    const exact = await pharmacist.call('catalog.search', { q: 'xj01caa040e001010101445' });
    expect(exact.map((h) => h.id)).toEqual([ids.amxl]);
    const prefix = await pharmacist.call('catalog.search', { q: 'ZA12AAF' });
    expect(prefix.map((h) => h.id)).toEqual([ids.danshen]);
  });

  it('finds by approval number, with or without 国药准字, or by its digits', async () => {
    for (const q of ['国药准字H20003263', 'H20003263', 'h20003263', '20003263', 'H2000326']) {
      expect(
        (await pharmacist.call('catalog.search', { q })).map((h) => h.id),
        q,
      ).toEqual([ids.amxl]);
    }
    expect((await pharmacist.call('catalog.search', { q: 'H2005' })).map((h) => h.id)).toEqual([ids.lekadiping]);
  });

  it('narrows with further words and folds full-width input', async () => {
    expect((await pharmacist.call('catalog.search', { q: 'amxl 联邦' })).map((h) => h.id)).toEqual([ids.amxlTrade]);
    expect((await pharmacist.call('catalog.search', { q: 'amxl 0.25g 石药' })).map((h) => h.id)).toEqual([ids.amxl]);
    expect(await names('ＡＭＸＬ')).toHaveLength(3);
    expect(await names('   ')).toEqual([]);
    expect(await names('zzzzzz')).toEqual([]);
  });

  it('leaves out inactive drugs unless asked, and ranks them last', async () => {
    expect(await names('amxlkl')).toEqual(['阿莫西林克拉维酸钾片']);
    expect(await names('amxlkl')).not.toContain('阿莫西林颗粒');
    expect(await names('amxl')).not.toContain('阿莫西林颗粒');
    const all = await pharmacist.call('catalog.search', { q: 'amxl', includeInactive: true });
    expect(all.map((h) => h.genericName)).toEqual(['阿莫西林胶囊', '阿莫西林胶囊', '阿莫西林克拉维酸钾片', '阿莫西林颗粒']);
    expect(all[3].active).toBe(false);
  });

  it('respects the limit', async () => {
    expect(await names('a', { limit: 2 })).toHaveLength(2);
    await expect(pharmacist.call('catalog.search', { q: 'a', limit: 51 })).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});

describe('catalog.search by the approval numbers of imported and 港澳台 drugs', () => {
  beforeAll(async () => {
    const add = async (key: string, fields: Parameters<typeof addDrug>[1]) => {
      ids[key] = (await addDrug(pharmacist, fields)).id;
    };
    await add('rosuvastatin', { genericName: '瑞舒伐他汀钙片', spec: '10mg', packSize: 7, approvalNo: '国药准字HJ20171044' });
    await add('omeprazole', { genericName: '奥美拉唑肠溶胶囊', spec: '20mg', packSize: 14, approvalNo: 'H20140345' });
    await add('valsartan', { genericName: '缬沙坦胶囊', spec: '80mg', packSize: 7, approvalNo: 'HC20200001' });
    // Same digits as the 进口药品注册证号 above, but a 国药准字: both are found by the digits, each by its own number.
    await add('omeprazoleLocal', { genericName: '奥美拉唑镁肠溶片', spec: '20mg', packSize: 14, approvalNo: '国药准字H20140345' });
  });

  const found = async (q: string) => (await pharmacist.call('catalog.search', { q })).map((h) => h.id).sort((a, b) => a - b);

  it('finds each by its number as written, without 国药准字 and by its 8 digits', async () => {
    for (const q of ['国药准字HJ20171044', 'HJ20171044', 'hj20171044', '20171044', 'HJ201710']) expect(await found(q), q).toEqual([ids.rosuvastatin]);
    for (const q of ['HC20200001', 'hc20200001', '20200001']) expect(await found(q), q).toEqual([ids.valsartan]);
    expect(await found('国药准字H20140345')).toEqual([ids.omeprazoleLocal]);
    expect(await found('H20140345')).toEqual([ids.omeprazole, ids.omeprazoleLocal].sort((a, b) => a - b));
    expect(await found('20140345')).toEqual([ids.omeprazole, ids.omeprazoleLocal].sort((a, b) => a - b));
    expect(await found('2014034')).toEqual([ids.omeprazoleLocal]);
  });
});

describe('catalog.search uses indexes', () => {
  /** Every line of every query plan the search runs for q. */
  const plan = (q: string) =>
    searchStatements(q).flatMap((st) =>
      (hub.runtime.app.db.prepare(`EXPLAIN QUERY PLAN ${st.text}`).all(st.params) as { detail: string }[]).map((r) => r.detail),
    );

  it('looks names up by a range on the terms primary key, then drugs by the name indexes', () => {
    for (const q of ['amxl', '阿莫西林', 'amoxilin', 'a', '片']) {
      const details = plan(q).join('\n');
      expect(details, q).toMatch(/SEARCH t USING PRIMARY KEY \(at_start=\? AND term>\? AND term<\?\)/);
      expect(details, q).toMatch(/SEARCH d USING INDEX drugs_generic \(generic_name=\?\)/);
      expect(details, q).toMatch(/SEARCH d USING INDEX drugs_trade \(trade_name=\?\)/);
      // No table is read in full.
      expect(details, q).not.toMatch(/SCAN (t|d|n|drugs|search_terms|search_names)\b/);
    }
  });

  it('looks codes and approval numbers up by their indexes', () => {
    expect(plan('XJ01CAA040E001010101445').join('\n')).toMatch(/SEARCH d USING INDEX sqlite_autoindex_drugs_1 \(nhsa_code=\?\)/);
    expect(plan('XJ01CA').join('\n')).toMatch(/SEARCH d USING INDEX sqlite_autoindex_drugs_1 \(nhsa_code>\? AND nhsa_code<\?\)/);
    expect(plan('H20003263').join('\n')).toMatch(/SEARCH d USING INDEX drugs_approval_letter \(<expr>=\?\)/);
    expect(plan('H2000').join('\n')).toMatch(/SEARCH d USING INDEX drugs_approval_letter \(<expr>>\? AND <expr><\?\)/);
    expect(plan('20003263').join('\n')).toMatch(/SEARCH d USING INDEX drugs_approval_digits \(<expr>=\?\)/);
    expect(plan('H20140345').join('\n')).toMatch(/SEARCH d USING INDEX drugs_approval_letter \(<expr>=\?\)/);
    for (const q of ['XJ01CA', 'H2000', '20003263', 'HJ20171044', 'H20140345', 'HC20200001', '2017104'])
      expect(plan(q).join('\n'), q).not.toMatch(/SCAN (d|drugs)\b/);
  });
});

describe('catalog.search stock and authorization', () => {
  let doctor: InternalClient;
  let ownStore: number;
  let otherStore: number;

  beforeAll(async () => {
    const own = await createClinic(hub, 'C01', '东湖村卫生室');
    const other = await createClinic(hub, 'C02', '西岭村卫生室');
    ownStore = own.storeId;
    otherStore = other.storeId;
    doctor = await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId: own.id });
    // Stock arrives through the stock workflows; here two lots are put on the clinic's shelf directly.
    const db = hub.runtime.app.db;
    const at = hub.clock.now().toISOString();
    for (const [batch, qty] of [
      ['B1', 50],
      ['B2', 28],
    ] as const) {
      const lot = db
        .prepare("INSERT INTO lots (drug_id, batch_no, expiry_date, unit_cost, created_at) VALUES (?, ?, '2028-01-31', 133334, ?)")
        .run(ids.amxl, batch, at);
      db.prepare('INSERT INTO stock_balances (store_id, lot_id, drug_id, qty, value) VALUES (?, ?, ?, ?, ?)').run(
        ownStore,
        lot.lastInsertRowid,
        ids.amxl,
        qty,
        qty * 13,
      );
    }
  });

  it('shows the stock at the store asked for, in base units', async () => {
    const hits = await doctor.call('catalog.search', { q: 'amxl', storeId: ownStore });
    expect(hits.find((h) => h.id === ids.amxl)?.stockQty).toBe(78);
    expect(hits.find((h) => h.id === ids.amxlTrade)?.stockQty).toBe(0);
    const hub0 = await pharmacist.call('catalog.search', { q: 'amxl', storeId: otherStore });
    expect(hub0.find((h) => h.id === ids.amxl)?.stockQty).toBe(0);
  });

  it('counts only usable lots (not expired as of the business date, not in quarantine) and says how much has expired', async () => {
    // The hub's business date is 2026-03-02. 地塞米松 on the shelf: 7支 expired yesterday, 5支 expiring today (still
    // usable, as first-expiry-first has it), 20支 in quarantine (never usable, never counted as expired either).
    const db = hub.runtime.app.db;
    const at = hub.clock.now().toISOString();
    const userId = (db.prepare('SELECT id FROM users ORDER BY id LIMIT 1').get() as { id: number }).id;
    const shelve = (batch: string, expiry: string, qty: number) => {
      const lot = Number(
        db.prepare('INSERT INTO lots (drug_id, batch_no, expiry_date, unit_cost, created_at) VALUES (?, ?, ?, 100000, ?)').run(ids.dex, batch, expiry, at)
          .lastInsertRowid,
      );
      db.prepare('INSERT INTO stock_balances (store_id, lot_id, drug_id, qty, value) VALUES (?, ?, ?, ?, ?)').run(ownStore, lot, ids.dex, qty, qty * 10);
      return lot;
    };
    shelve('DX-OLD', '2026-03-01', 7);
    shelve('DX-TODAY', '2026-03-02', 5);
    const held = shelve('DX-HELD', '2028-01-31', 20);
    db.prepare(
      `INSERT INTO quarantine_lots (lot_id, origin_lot_id, status, reason_code, reason, source_type, source_id, created_by, created_at)
       VALUES (?, ?, 'fail', 'damaged', '破损', 'return', 1, ?, ?)`,
    ).run(held, held, userId, at);

    const hit = (await doctor.call('catalog.search', { q: '地塞米松', storeId: ownStore })).find((h) => h.id === ids.dex);
    expect(hit).toMatchObject({ stockQty: 5, expiredQty: 7, bookHidden: false });
    const amxl = (await doctor.call('catalog.search', { q: 'amxl', storeId: ownStore })).find((h) => h.id === ids.amxl);
    expect(amxl).toMatchObject({ stockQty: 78, expiredQty: 0 });
    // Without a store there is no stock to tell.
    expect((await pharmacist.call('catalog.search', { q: '地塞米松' })).find((h) => h.id === ids.dex)).toMatchObject({ stockQty: null, expiredQty: null });
  });

  it("refuses a village doctor another clinic's store (403) and records the attempt", async () => {
    await expect(doctor.call('catalog.search', { q: 'amxl', storeId: otherStore })).rejects.toMatchObject({ code: 'FORBIDDEN_CLINIC' });
    const transit = hub.runtime.app.db.prepare("SELECT id FROM stores WHERE kind = 'transit' LIMIT 1").get() as { id: number };
    await expect(doctor.call('catalog.search', { q: 'amxl', storeId: transit.id })).rejects.toMatchObject({ code: 'FORBIDDEN_CLINIC' });
    await expect(doctor.call('catalog.search', { q: 'amxl', storeId: 99999 })).rejects.toMatchObject({ code: 'FORBIDDEN_CLINIC' });
    const denied = hub.runtime.app.db.prepare("SELECT count(*) AS n FROM audit_log WHERE method = 'catalog.search' AND outcome = 'denied'").get() as {
      n: number;
    };
    expect(denied.n).toBe(3);
    await expect(pharmacist.call('catalog.search', { q: 'amxl', storeId: 99999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lets a village doctor search but not edit the catalog', async () => {
    expect(await names('amxl', {}, doctor)).toHaveLength(3);
    await expect(addDrug(doctor, { genericName: '布洛芬缓释胶囊' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(doctor.call('catalog.setActive', { id: ids.amxl, active: false })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(doctor.call('catalog.list', {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(doctor.call('suppliers.list', {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

/**
 * Every printed document at its paper size with the longest realistic values (issue 17), beyond those of
 * daily-print.spec.ts (supplier statement, delivery note, clinic statement) and ui-rest-print.spec.ts (药品库存表
 * codes): one hub seeded through the real API with a 36-character supplier, clinics and drugs of 20-odd characters,
 * 10-character batch numbers and amounts of millions of yuan; each document printed by Chromium to PDF at the paper
 * its page asks for (A4 portrait or landscape; the delivery note also on each 241 mm continuous paper), rendered to
 * PNG for people to look at and read back: every page of the right size and count, nothing cut off (every text of
 * the page is in the PDF), every amount, quantity, batch number and date on one line, every long name in full, and
 * no cell on screen holding more than its box. The last test shows each check failing on a broken layout.
 */
import type { APIRequestContext, Browser, Page } from '@playwright/test';
import { expect, expectPaper, serverForFile, test } from './fixtures';
import { signIn } from './pages/app';
import { expectAllTextPrinted, expectCellsFit, expectOneLine, expectPaperOf, expectPrinted, expectWhole, printed, type Printed } from './print-checks';
import { api, apiAs } from './seed';
import { validCreditCode } from '../helpers/catalog';

test.describe.configure({ mode: 'serial' });

const PASSWORD = 'Qingshi2026';
const PERIOD = '2026-03';
const HUB = '湖南省长沙市宁乡市青石镇中心卫生院';
const SUPPLIER = '国药控股湖南省医药物流配送中心（长沙市开福区）有限责任公司第一分公司';
const CLINIC_1 = '青石镇东湖村第三村民小组卫生室（东湖村卫生服务站）';
const CLINIC_2 = '青石镇西岭村卫生室（西岭、桃花冲、石板桥三村联办）';
const A = {
  name: '注射用头孢哌酮钠舒巴坦钠（1:1）',
  spec: '1.0g(头孢哌酮0.5g+舒巴坦0.5g)*10瓶',
  mfr: '辉瑞制药（无锡）有限公司',
  lots: ['CP26031601', 'CP26031602', 'CP26031603'],
};
const B = {
  name: '精蛋白生物合成人胰岛素注射液（预混30R）',
  spec: '3ml:300单位（笔芯）*5支',
  mfr: '诺和诺德（中国）制药有限公司',
  lot: 'NN26031601',
};
const LONG_NOTE = {
  reject: '外箱在卸货时跌落，10 盒笔芯玻璃破裂、药液渗漏，已拍照并由配送员签字确认，整箱隔离',
  pending: '随货同行单所列生产日期与外箱喷码不一致，已函询生产企业核实，暂存待处理区',
  override: '本室冷藏柜 3 月 10 日压缩机故障送修，本批胰岛素随车冷藏箱配送，村医当日转存镇卫生院冷库',
  variance: '3 月 14 日夜间库房漏雨，第 7 号货架底层整件浸泡损毁，已报保险公司（报案号 PICC-2026-0316-000123）',
  action: '空调制冷失效，已开启备用空调并转移货架上层药品，30 分钟后复测 18.6 ℃，已报后勤维修',
};

const server = serverForFile();
const ids = {
  supplier: 0,
  clinic1: 0,
  clinic2: 0,
  drugA: 0,
  drugB: 0,
  order: 0,
  receipt: 0,
  delivery1: 0,
  stocktake: 0,
  area: 0,
  hubStore: 0,
};

/**
 * The hub, through the real workflows: two clinics asking, one order, one receipt (with refusals), two deliveries
 * (one signed, one on the road), dispensing and the insurance's settlement file, a destruction, a full count with a
 * loss, and a month of temperature readings. Users admin, yaoku, caiwu, cy01 and cy02, each with PASSWORD.
 */
async function seedHub(browser: Browser) {
  const setup = await browser.newContext({ baseURL: server.url });
  const admin = setup.request;
  await api(admin, 'setup.initialize', { hubName: HUB, adminUsername: 'admin', adminDisplayName: '欧阳振华', adminPassword: PASSWORD });
  ids.clinic1 = (await api(admin, 'clinics.create', { code: 'C01', name: CLINIC_1, village: '东湖村' })).id;
  ids.clinic2 = (await api(admin, 'clinics.create', { code: 'C02', name: CLINIC_2, village: '西岭村' })).id;
  const users: [string, string, string, number | null][] = [
    ['yaoku', '司马周明', 'pharmacist', null],
    ['caiwu', '孙会计', 'finance', null],
    ['cy01', '王建国', 'village_doctor', ids.clinic1],
    ['cy02', '李秀英', 'village_doctor', ids.clinic2],
  ];
  for (const [username, displayName, role, clinicId] of users)
    await api(admin, 'users.create', { username, initialPassword: 'Chushi2026', displayName, role, clinicId });
  const [yaoku, , cy01, cy02] = await Promise.all(users.map(([u]) => apiAs(browser, server.url, u, 'Chushi2026', PASSWORD)));

  ids.supplier = (
    await api(yaoku, 'suppliers.create', {
      name: SUPPLIER,
      creditCode: validCreditCode('91430000183763178'),
      contact: '欧阳经理',
      phone: '0731-84001234',
      address: '湖南省长沙市开福区芙蓉中路一段 88 号国药大厦 15 楼',
      licenceNo: '湘AA7310123',
    })
  ).id;
  const drug = async (d: typeof A | typeof B, more: Record<string, unknown>, packPrice: number) => {
    const created = await api(yaoku, 'catalog.create', {
      genericName: d.name,
      spec: d.spec,
      manufacturer: d.mfr,
      insuranceClass: 'B',
      vbp: false,
      vbpBatch: null,
      vbpPrice: null,
      defaultSupplierId: ids.supplier,
      ...more,
    });
    await api(yaoku, 'suppliers.setPrices', { supplierId: ids.supplier, prices: [{ drugId: created.id, packPrice }] });
    return created.id as number;
  };
  // ¥9,876.54 a box of 10 bottles (¥987.654 a bottle); ¥8,765.43 a box of 5 pens (¥1,753.086 a pen).
  ids.drugA = await drug(
    A,
    { nhsaCode: 'XJ01DDC123B001010100001', dosageForm: '注射剂', packUnit: '盒', baseUnit: '瓶', packSize: 10, approvalNo: '国药准字H20031234' },
    9_876_540_000,
  );
  ids.drugB = await drug(
    B,
    { nhsaCode: 'XA10ADH021B002010200017', dosageForm: '注射剂', packUnit: '盒', baseUnit: '支', packSize: 5, approvalNo: '国药准字S20191234' },
    8_765_430_000,
  );
  await api(yaoku, 'gsp.setDrugStorage', { drugId: ids.drugB, storageCondition: 'cold', specialControl: false });

  // 东湖 asks for 250 boxes of A and 120 of B, 西岭 for 110 of A: one order of ¥4,607,406.00.
  const ask = async (doctor: APIRequestContext, token: string, lines: [drugId: number, baseUnits: number][]) =>
    api(doctor, 'requisitions.submit', {
      submitToken: token,
      note: null,
      lines: lines.map(([drugId, qty]) => ({ drugId, qty, enteredIn: 'pack', note: null })),
    });
  const req1 = await ask(cy01, 'print-every-c01', [
    [ids.drugA, 2500],
    [ids.drugB, 600],
  ]);
  const req2 = await ask(cy02, 'print-every-c02', [[ids.drugA, 1100]]);
  for (const r of [req1, req2])
    await api(yaoku, 'requisitions.decide', { id: r.id, lines: r.lines.map((l: { id: number }) => ({ lineId: l.id, decision: 'approved' })) });
  const selection = { requisitionIds: [req1.id, req2.id], hubReplenishment: false };
  const preview = await api(yaoku, 'aggregation.preview', selection);
  const agg = await api(yaoku, 'aggregation.create', { ...selection, fingerprint: preview.fingerprint, note: null });
  ids.order = agg.orders[0].id;
  await api(yaoku, 'orders.send', { id: ids.order });
  const order = await api(yaoku, 'orders.get', { id: ids.order });
  const poLine = (drugId: number) => order.lines.find((l: { drugId: number }) => l.drugId === drugId).id as number;

  // One receipt, four lots: 2 boxes of A held for a question, 10 boxes of B refused as broken (cold chain, two acceptors).
  const receipt = await api(yaoku, 'receipts.create', {
    poId: ids.order,
    invoiceNo: '43002611230012345678',
    invoiceDate: '2026-03-15',
    note: null,
    acceptance: { deliveryNoteNo: 'SH-GKHN-20260316-000123', secondAcceptor: { username: 'admin', password: PASSWORD } },
    lines: [
      { poLineId: poLine(ids.drugA), batchNo: A.lots[0], mfgDate: '2026-02-01', expiryDate: '2028-02-29', qty: 1300 },
      { poLineId: poLine(ids.drugA), batchNo: A.lots[1], mfgDate: '2026-02-01', expiryDate: '2028-03-31', qty: 1100 },
      {
        poLineId: poLine(ids.drugA),
        batchNo: A.lots[2],
        mfgDate: '2026-02-15',
        expiryDate: '2028-06-30',
        qty: 1200,
        rejectedQty: 20,
        rejectReason: 'other',
        rejectNote: LONG_NOTE.pending,
        conclusion: 'pending',
      },
      {
        poLineId: poLine(ids.drugB),
        batchNo: B.lot,
        mfgDate: '2026-01-10',
        expiryDate: '2027-12-31',
        qty: 600,
        rejectedQty: 50,
        rejectReason: 'damaged',
        rejectNote: LONG_NOTE.reject,
        arrivalTemp: 52,
        transportRecord: '湘A·C1234 冷藏车，3 月 16 日 06:10 启运，途中 2.8–6.1 ℃',
      },
    ],
  });
  ids.receipt = receipt.receipt.id;

  // 东湖 gets 130 boxes of A (lot 1) and 60 of B, and signs; 西岭's 110 boxes (lot 2) are still on the road.
  const pending = (await api(yaoku, 'deliveries.pending', {})) as { requisitionLineId: number; clinicId: number; drugId: number }[];
  const reqLine = (clinicId: number, drugId: number) => pending.find((p) => p.clinicId === clinicId && p.drugId === drugId)!.requisitionLineId;
  const d1 = await api(yaoku, 'deliveries.create', {
    clinicId: ids.clinic1,
    note: null,
    lines: [
      { requisitionLineId: reqLine(ids.clinic1, ids.drugA), qty: 1300 },
      { requisitionLineId: reqLine(ids.clinic1, ids.drugB), qty: 300, storageOverrideReason: LONG_NOTE.override },
    ],
  });
  ids.delivery1 = d1.id;
  await api(cy01, 'deliveries.sign', { id: d1.id, lines: d1.lines.map((l: { id: number; qty: number }) => ({ lineId: l.id, receivedQty: l.qty })) });
  await api(yaoku, 'deliveries.create', { clinicId: ids.clinic2, note: null, lines: [{ requisitionLineId: reqLine(ids.clinic2, ids.drugA), qty: 1100 }] });

  // 东湖 uses 1,100 bottles of A and 30 pens of B; the insurance settled 1,150 bottles and 20 pens.
  await api(cy01, 'dispensing.create', { businessDate: '2026-03-16', clientToken: 'print-every-disp-1', lines: [{ drugId: ids.drugA, qty: 600 }] });
  await api(cy01, 'dispensing.create', {
    businessDate: '2026-03-16',
    clientToken: 'print-every-disp-2',
    lines: [
      { drugId: ids.drugA, qty: 500 },
      { drugId: ids.drugB, qty: 30 },
    ],
  });
  const fees = [
    ['FD0001', 'MD20260316001', '2026-03-16 08:05:00', 'XJ01DDC123B001010100001', A.name, 400, '987.654', '395061.60'],
    ['FD0002', 'MD20260316002', '2026-03-16 08:20:00', 'XJ01DDC123B001010100001', A.name, 400, '987.654', '395061.60'],
    ['FD0003', 'MD20260316003', '2026-03-16 08:35:00', 'XJ01DDC123B001010100001', A.name, 350, '987.654', '345678.90'],
    ['FD0004', 'MD20260316003', '2026-03-16 08:35:00', 'XA10ADH021B002010200017', B.name, 20, '1753.086', '35061.72'],
  ];
  const csv = [
    'feedetl_sn,mdtrt_id,fee_ocur_time,med_list_codg,hilist_name,cnt,pric,det_item_fee_sumamt,bilg_dr_name',
    ...fees.map((f) => [...f, '王建国'].join(',')),
  ].join('\r\n');
  const file = { filename: '2204-费用明细-202603.csv', base64: Buffer.from(`${csv}\r\n`).toString('base64') };
  const fileCheck = await api(cy01, 'reconciliation.importPreview', { file });
  expect(fileCheck.errorRows, JSON.stringify(fileCheck.errors)).toBe(0);
  await api(cy01, 'reconciliation.importCommit', { file, mapping: fileCheck.mapping, mode: 'all' });

  // The 2 boxes are still held; the 10 broken boxes are destroyed under supervision.
  const held = (await api(yaoku, 'quarantine.list', { period: PERIOD })) as { lotId: number; drugId: number; heldQty: number }[];
  await api(yaoku, 'quarantine.destroy', {
    lines: [{ lotId: held.find((q) => q.drugId === ids.drugB)!.lotId, qty: 50 }],
    method: '交湖南省危险废物集中处置中心高温焚烧（转移联单 HN-2026-0316-0001）',
    place: '长沙市望城区湖南省危险废物集中处置中心',
    witness: '欧阳建华（宁乡市市场监督管理局）',
    note: null,
  });

  // A full count of the hub store, book shown: 110 boxes of lot 3 lost (¥1,086,419.40), B as on the book.
  const stores = (await api(yaoku, 'stock.stores', {})) as { id: number; kind: string }[];
  ids.hubStore = stores.find((s) => s.kind === 'hub')!.id;
  const st = await api(yaoku, 'stocktakes.create', { kind: 'full', storeId: ids.hubStore, counterMode: 'onsite', blind: false, note: '季度全面盘点' });
  ids.stocktake = st.id;
  const lines = st.lines as { id: number; drugId: number; batchNo: string; bookQtyAtStart: number }[];
  await api(yaoku, 'stocktakes.count', {
    id: st.id,
    entries: lines.map((l) => ({ lineId: l.id, countedQty: l.bookQtyAtStart === 1180 ? 80 : l.bookQtyAtStart, note: null })),
  });
  await api(yaoku, 'stocktakes.submit', { id: st.id });
  await api(yaoku, 'stocktakes.approve', {
    id: st.id,
    note: '盘亏已查明原因，同意按批次账面价值核销',
    reasons: lines.filter((l) => l.bookQtyAtStart === 1180).map((l) => ({ lineId: l.id, reasonCode: 'other', reasonNote: LONG_NOTE.variance })),
  });

  // The hub's cool room: the logger's readings for the first 13 days, then by hand (one out of range, one corrected).
  ids.area = (
    await api(yaoku, 'storage.saveArea', {
      storeId: ids.hubStore,
      name: '中心药库一号阴凉库（西侧整件货架区）',
      kind: 'cool',
      tempMin: 0,
      tempMax: 200,
      rhMin: 35,
      rhMax: 75,
    })
  ).id;
  const logger = ['时间,温度(℃),湿度(%RH)'];
  for (let day = 1; day <= 13; day++) {
    const d = `2026-03-${String(day).padStart(2, '0')}`;
    logger.push(`${d} 08:55,${day === 5 ? '23.4' : '16.2'},58`, `${d} 14:55,17.1,61`);
  }
  const loggerFile = { filename: '阴凉库温湿度记录仪-202603.csv', base64: Buffer.from(logger.join('\n')).toString('base64') };
  await api(yaoku, 'storage.loggerImport', {
    areaId: ids.area,
    file: loggerFile,
    mode: 'all',
    actions: [{ readingDate: '2026-03-05', slot: 'am', action: LONG_NOTE.action }],
  });
  const read = (readingDate: string, slot: string, temperature: number, more: Record<string, unknown> = {}) =>
    api(yaoku, 'storage.record', { areaId: ids.area, readingDate, slot, temperature, humidity: 57, action: null, ...more });
  const wrong = await read('2026-03-14', 'am', 261, { action: '误读' });
  await read('2026-03-14', 'am', 162, { correctsId: wrong.id, correctionReason: '抄录时看错了记录仪的数字，按记录仪存储数据更正' });
  await read('2026-03-14', 'pm', 171);
  await read('2026-03-15', 'am', 158);
  await read('2026-03-15', 'pm', 224, { action: LONG_NOTE.action });
  await read('2026-03-16', 'am', 160);
  await setup.close();
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  await seedHub(browser);
});

interface Expect {
  /** The paper every page is on. */
  paper: Parameters<typeof expectPaperOf>[1];
  /** How many pages, when the document says. */
  pages?: number;
  /** Amounts shown alone in a cell: each a word of its own. */
  amounts?: string[];
  /** Figures, batch numbers and dates that must each stay on one line. */
  oneLine?: string[];
  /** Long names and notes printed in full (wrapped as they may be). */
  texts?: string[];
}

/** Signs in, opens the print route and waits for the document and its fonts. */
async function open(page: Page, username: string, route: string, title: string | RegExp) {
  await signIn(page, server.url, username, PASSWORD);
  await page.goto(`${server.url}${route}`);
  await expect(page.locator('.print-doc h1.print-title').first()).toHaveText(title);
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
}

/** Prints the page and holds it to every check; the PDF and its PNGs are left under test-results/screenshots. */
async function check(page: Page, name: string, e: Expect): Promise<Printed> {
  const doc = await printed(page, `print-every-${name}`, { allPages: true });
  await expectCellsFit(page);
  expectPaperOf(doc, e.paper, e.pages);
  await expectAllTextPrinted(page, doc);
  expectWhole(doc, e.amounts ?? []);
  await expectOneLine(page, doc, e.oneLine ?? []);
  expectPrinted(doc, e.texts ?? []);
  return doc;
}

const WORDS = {
  order: '肆佰陆拾万柒仟肆佰零陆元整',
  loss: '壹佰零捌万陆仟肆佰壹拾玖元肆角整',
  delivery: '壹佰捌拾万玖仟捌佰柒拾陆元整',
  due: '壹佰壹拾叁万玖仟零壹拾壹元玖角捌分',
};
const HUB_STORE = `${HUB}中心药库`;

test('药品采购订单 (A4 landscape): eight-figure totals, the 36-character supplier and long drug names whole', async ({ page }) => {
  await open(page, 'yaoku', `print/purchase-order/${ids.order}`, '药品采购订单');
  await check(page, 'purchase-order', {
    paper: 'A4 landscape',
    pages: 1,
    amounts: ['3,555,554.40', '1,051,851.60', '4,607,406.00'],
    oneLine: ['9876.54/盒', '8765.43/盒', '360盒', '3600瓶', '120盒', '600支', 'XJ01DDC123B001010100001', 'XA10ADH021B002010200017', 'CG-202603-0001'],
    texts: [SUPPLIER, HUB_STORE, A.name, B.name, A.spec, B.spec, A.mfr, B.mfr, WORDS.order],
  });
});

test('药品盘点表 (A4 portrait) and 药品盘点盈亏报告 (A4 landscape): book figures, a seven-figure loss, its long reason', async ({ page }) => {
  await open(page, 'yaoku', `print/stocktake-count/${ids.stocktake}`, '药品盘点表');
  await check(page, 'stocktake-count', {
    paper: 'A4 portrait',
    pages: 1,
    oneLine: [A.lots[2], B.lot, '2028-06-30', '2027-12-31', '118盒', '50盒', '2盒'],
    texts: [HUB_STORE, A.name, B.name, A.mfr, B.mfr],
  });
  await page.goto(`${server.url}print/stocktake-result/${ids.stocktake}`);
  await expect(page.locator('.print-doc h1.print-title')).toHaveText('药品盘点盈亏报告');
  await check(page, 'stocktake-result', {
    paper: 'A4 landscape',
    pages: 1,
    oneLine: ['-1,086,419.40', '987.654/瓶', '1753.086/支', '110盒', '118盒', '8盒', A.lots[2], B.lot, '2028-06-30', '2027-12-31'],
    texts: [HUB_STORE, A.name, B.name, LONG_NOTE.variance, WORDS.loss],
  });
});

test('中心药库进销存月报表 with its 在途 page (A4 landscape): every column of millions whole', async ({ page }) => {
  await open(page, 'caiwu', `print/hub-statement/${PERIOD}`, '中心药库进销存月报表');
  await check(page, 'hub-statement', {
    paper: 'A4 landscape',
    pages: 2,
    amounts: [
      ...['3,555,554.40', '1,051,851.60', '4,607,406.00', '2,370,369.60', '525,925.80', '2,896,295.40', '87,654.30'],
      ...['98,765.40', '438,271.50', '537,036.90', '1,283,950.20', '1,809,876.00', '1,086,419.40'],
    ],
    oneLine: ['-1,086,419.40', '-110盒', '360盒', '240盒'],
    texts: [HUB_STORE, A.name, B.name, A.mfr, B.mfr, WORDS.loss],
  });
});

test('村卫生室药品结算汇总表 and the batch of every clinic’s statement (A4 landscape)', async ({ page }) => {
  await open(page, 'caiwu', `print/clinic-summary/${PERIOD}`, '村卫生室药品结算汇总表');
  const totals = ['1,139,011.98', '1,809,876.00', '670,864.02', '1,086,419.40'];
  await check(page, 'clinic-summary', { paper: 'A4 landscape', pages: 1, amounts: totals, texts: [CLINIC_1, CLINIC_2, WORDS.due] });
  await page.goto(`${server.url}print/clinic-statements/${PERIOD}`);
  await expect(page.locator('.print-doc h1.print-title')).toHaveText(['村卫生室药品结算汇总表', '村卫生室药品结算单', '村卫生室药品结算单']);
  await check(page, 'clinic-statements', {
    paper: 'A4 landscape',
    pages: 3,
    amounts: [...totals, '1,283,950.20', '525,925.80', '52,592.58', '473,333.22', '197,530.80'],
    oneLine: ['130盒', '110盒', '54盒'],
    texts: [CLINIC_1, CLINIC_2, A.name, B.name, A.mfr, B.mfr, WORDS.due],
  });
});

test('医保结算与用药对账单 with its 逐日差异 page (A4 landscape)', async ({ page }) => {
  await open(page, 'caiwu', `print/reconciliation/${ids.clinic1}/${PERIOD}`, '医保结算与用药对账单');
  await check(page, 'reconciliation', {
    paper: 'A4 landscape',
    pages: 2,
    amounts: ['1,135,802.10', '1,086,419.40', '35,061.72', '52,592.58', '1,170,863.82', '1,139,011.98', '49,382.70', '31,851.84'],
    oneLine: ['-17,530.86', '1150瓶', '1100瓶', '-10支', '50瓶', 'XJ01DDC123B001010100001', 'XA10ADH021B002010200017'],
    texts: [CLINIC_1, A.name, B.name, '壹佰壹拾柒万零捌佰陆拾叁元捌角贰分'],
  });
});

test('药品验收记录 of the receipt and of the month (A4 landscape): refusals, cold chain, two acceptors', async ({ page }) => {
  const expected: Expect = {
    paper: 'A4 landscape',
    pages: 2,
    oneLine: [...A.lots, B.lot, '2028-02-29', '2028-03-31', '2028-06-30', '2027-12-31', '130盒', '110盒', '120盒', '118盒', '2盒', '10盒', '5.2'],
    texts: [SUPPLIER, 'SH-GKHN-20260316-000123', A.name, B.name, A.mfr, B.mfr, LONG_NOTE.reject, LONG_NOTE.pending, '司马周明、欧阳振华'],
  };
  await open(page, 'yaoku', `print/acceptance/receipt/${ids.receipt}`, '药品验收记录');
  await check(page, 'acceptance-receipt', { ...expected, oneLine: [...expected.oneLine!, 'RK-202603-0001'] });
  await page.goto(`${server.url}print/acceptance/month/${PERIOD}`);
  await expect(page.getByText('入库单：1 张')).toBeVisible();
  await check(page, 'acceptance-month', expected);
});

test('不合格药品处理记录 (A4 landscape): a destruction with its amount, place and witness; a lot still held', async ({ page }) => {
  await open(page, 'yaoku', `print/quarantine/${PERIOD}`, '不合格药品处理记录');
  await check(page, 'quarantine', {
    paper: 'A4 landscape',
    pages: 1,
    amounts: ['87,654.30'],
    oneLine: ['10盒', '2盒', 'RK-202603-0001', 'BS-202603-0001', A.lots[2], B.lot, '2028-06-30', '2027-12-31'],
    texts: [
      A.name,
      B.name,
      LONG_NOTE.reject,
      LONG_NOTE.pending,
      '交湖南省危险废物集中处置中心高温焚烧（转移联单 HN-2026-0316-0001）',
      '欧阳建华（宁乡市市场监督管理局）',
    ],
  });
});

test('温湿度记录表 (A4 portrait): logger and hand readings, an excursion with its action, a correction', async ({ page }) => {
  await open(page, 'yaoku', `print/env-log/${ids.area}/${PERIOD}`, '温湿度记录表');
  await check(page, 'env-log', {
    paper: 'A4 portrait',
    pages: 2,
    oneLine: ['08:55', '14:55', '23.4', '22.4', '58%', '61%'],
    texts: [HUB_STORE, '中心药库一号阴凉库（西侧整件货架区）', LONG_NOTE.action, '03-14上午原记26.1℃57%（司马周明）', '来源：记录仪'],
  });
});

test('药品账页 (A4 landscape): the hub’s card of A, receipts and issues of millions', async ({ page }) => {
  await open(page, 'yaoku', `print/stock-card?store=${ids.hubStore}&drug=${ids.drugA}&from=2026-03-01&to=2026-03-16`, '药品账页（库存台账）');
  await check(page, 'stock-card', {
    paper: 'A4 landscape',
    pages: 1,
    amounts: [
      '1,283,950.20',
      '1,086,419.40',
      '1,165,431.72',
      '19,753.08',
      '2,370,369.60',
      '3,535,801.32',
      '3,555,554.40',
      '2,271,604.20',
      '1,185,184.80',
      '98,765.40',
    ],
    oneLine: [
      '-1,283,950.20',
      '-1,086,419.40',
      ...A.lots,
      'RK-202603-0001',
      'CK-202603-0001',
      'CK-202603-0002',
      'PD-202603-0001',
      '2026-03-16',
      '360盒',
      '350盒',
    ],
    texts: [HUB_STORE, A.name, A.spec, A.mfr],
  });
});

test('药品库存表 (A4 landscape) with long names and amounts', async ({ page }) => {
  await open(page, 'yaoku', `print/on-hand?store=${ids.hubStore}&filter=in_stock`, '药品库存表');
  await check(page, 'on-hand', {
    paper: 'A4 landscape',
    pages: 1,
    amounts: ['438,271.50', '79,012.32', '19,753.08', '537,036.90'],
    oneLine: [A.lots[2], B.lot, '2028-06-30', '2027-12-31', 'XJ01DDC123B001010100001', 'XA10ADH021B002010200017', '50盒', '8盒', '2盒'],
    texts: [HUB_STORE, A.name, B.name, A.mfr, B.mfr],
  });
});

test('审计日志 (A4 landscape): every row of the seeding over a dozen pages, nothing cut', async ({ page }) => {
  await open(page, 'admin', 'print/audit-log', '审计日志');
  const doc = await check(page, 'audit-log', { paper: 'A4 landscape', texts: [SUPPLIER, CLINIC_1, CLINIC_2, LONG_NOTE.variance, LONG_NOTE.override] });
  expect(doc.pages.length).toBeGreaterThan(5);
});

test('看板明细 (A4 landscape): the purchases behind 医保目录占比, for the township and for one clinic', async ({ page }) => {
  await open(page, 'caiwu', `print/drilldown?figure=insurance&from=${PERIOD}&to=${PERIOD}`, '中心库采购入库明细');
  await check(page, 'drilldown', {
    paper: 'A4 landscape',
    pages: 1,
    amounts: ['1,283,950.20', '1,086,419.40', '1,185,184.80', '1,051,851.60', '4,607,406.00'],
    oneLine: ['RK-202603-0001', '2026-03-16', '130盒', '120盒'],
    texts: [A.name, B.name, A.spec, B.spec],
  });
  await page.goto(`${server.url}print/drilldown?figure=insurance&from=${PERIOD}&to=${PERIOD}&clinicId=${ids.clinic1}`);
  await expect(page.locator('.print-doc')).toContainText(CLINIC_1);
  await check(page, 'drilldown-clinic', {
    paper: 'A4 landscape',
    pages: 1,
    amounts: ['1,283,950.20', '525,925.80', '1,809,876.00'],
    oneLine: ['CK-202603-0001', '2026-03-16', '130盒', '60盒'],
    texts: [CLINIC_1, A.name, B.name],
  });
});

test('药品配送出库单 of two long drugs and a storage note, on A4 and on each 241 mm paper', async ({ page }) => {
  await open(page, 'yaoku', `print/delivery/${ids.delivery1}`, '药品配送出库单');
  const expected: Expect = {
    paper: 'A4 portrait',
    pages: 1,
    amounts: ['1,283,950.20', '525,925.80', '1,809,876.00'],
    oneLine: ['9,876.54/盒', '8,765.43/盒', '130盒', '60盒', A.lots[0], B.lot, '2028-02-29', '2027-12-31', 'CK-202603-0001'],
    texts: [HUB, CLINIC_1, A.name, B.name, A.spec, B.spec, LONG_NOTE.override, WORDS.delivery],
  };
  await check(page, 'delivery-a4', expected);
  for (const [label, key, size, pages] of [
    ['241×279 连续纸', '241', '241mm 279.4mm', 1],
    ['241 二等分', '241-half', '241mm 139.7mm', 1],
    // A third of a sheet holds the table; the amount in words, the storage note and the signatures go on to the next.
    ['241 三等分', '241-third', '241mm 93.1mm', 2],
  ] as const) {
    await page.getByText(label).click();
    await expect(page).toHaveURL(new RegExp(`paper=${key}(&|$)`));
    await expectPaper(page, size);
    await check(page, `delivery-${key}`, { ...expected, paper: size, pages });
  }
});

test('the checks fail on a figure broken across lines, a cell too narrow for its figure, a word at the edge and a cut table', async ({ page }) => {
  await open(page, 'yaoku', `print/purchase-order/${ids.order}`, '药品采购订单');
  // Figures allowed to break anywhere, the amount column narrowed: "1,051,851.60" breaks over two lines.
  const wrapping = await page.addStyleTag({
    content: `.print-fit, .print-table td.print-num { white-space: normal !important; display: inline !important; word-break: break-all !important; }
      .print-table col:last-child { width: 3% !important; }`,
  });
  const broken = await printed(page, 'print-every-selfcheck-wrapped');
  expect(() => expectWhole(broken, ['3,555,554.40'])).toThrow(/printed whole|whole amount/);
  await expect(expectOneLine(page, broken, ['1,051,851.60'])).rejects.toThrow(/printed whole on one line/);
  await wrapping.evaluate((el) => (el as Element).remove());
  // A figure kept at a size it cannot be shrunk from runs over its cell.
  const big = await page.addStyleTag({ content: '.print-fit { font-size: 16pt !important; }' });
  await expect(expectCellsFit(page)).rejects.toThrow(/every cell holds its text/);
  await big.evaluate((el) => (el as Element).remove());
  // The document number pushed into the right margin, 4 mm from the paper's edge.
  const edge = await page.addStyleTag({ content: '@media print { .print-docno { right: -8mm !important; } }' });
  const near = await printed(page, 'print-every-selfcheck-edge');
  await expect(expectAllTextPrinted(page, near)).rejects.toThrow(/every text of the document is in the PDF/);
  await edge.evaluate((el) => (el as Element).remove());
  // The document more than twice as wide as the paper (Chromium shrinks a little overflow to fit, not this): the
  // right-hand columns are cut off, and their figures are nowhere in the PDF.
  await page.addStyleTag({ content: '@media print { .print-doc { width: 600mm !important; } }' });
  const cut = await printed(page, 'print-every-selfcheck-cut');
  await expect(expectAllTextPrinted(page, cut)).rejects.toThrow(/every text of the document is in the PDF/);
  expect(() => expectPrinted(cut, ['3,555,554.40'])).toThrow(/printed in full/);
  expect(() => expectWhole(cut, ['3,555,554.40'])).toThrow(/printed whole/);
});

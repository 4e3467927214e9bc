import type { InternalClient } from '../api/internal';
import { drugInput, type DrugInput } from '../../shared/contract/catalog';
import { writeCatalogWorkbook } from '../domain/catalog/export';
import type { DrugRecord } from '../domain/catalog/drugs';
import { creditCodeCheckChar } from '../../shared/creditCode';
import { divRound, parseYuanToUnitPrice } from '../../shared/money';
import { DEMO_DRUGS, provinceCode, VBP_BATCH_NAMES, type DemoDrug } from './catalog-data';

/** A small deterministic random generator (mulberry32), so a seed always builds the same hub. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)];

const withCheck = (body17: string) => body17 + creditCodeCheckChar(body17)!;

/** Three distribution companies (names are fictitious; credit codes carry valid check characters). */
export const DEMO_SUPPLIERS = [
  {
    name: '湖南国康医药有限公司',
    creditCode: withCheck('91430100MA4L7K2X3'),
    licenceNo: '湘AA7310126',
    contact: '刘经理',
    phone: '0731-88612345',
    address: '长沙市雨花区医药物流园 8 栋',
  },
  {
    name: '华瑞医药湖南有限公司',
    creditCode: withCheck('914301007632845HT'),
    licenceNo: '湘AA7310452',
    contact: '陈主任',
    phone: '0731-84226688',
    address: '长沙市开福区三一大道 299 号',
  },
  {
    name: '九通医药湘中有限公司',
    creditCode: withCheck('91430300MA4PW8R1N'),
    licenceNo: '湘AA7320318',
    contact: '张经理',
    phone: '0731-58551234',
    address: '湘潭市岳塘区芙蓉大道 66 号',
  },
] as const;

const FOREIGN = /德国|株式会社|京都念慈菴|澳美制药厂/;
const BIOLOGICAL = /胰岛素|抗毒素/;

function approvalLetter(d: { tcm: boolean; genericName: string; manufacturer: string }): string {
  if (d.tcm) return 'Z';
  if (BIOLOGICAL.test(d.genericName)) return 'S';
  if (FOREIGN.test(d.manufacturer)) return 'J';
  return 'H';
}

/** An approval number in the national format: older ones carry the province and year, newer ones 20YY. */
function approvalNumber(rnd: () => number, letter: string, manufacturer: string): string {
  const digits =
    rnd() < 0.45
      ? `${provinceCode(manufacturer)}${String(Math.floor(rnd() * 6) + 20).padStart(2, '0')}${String(Math.floor(rnd() * 10000)).padStart(4, '0')}`
      : `20${String(Math.floor(rnd() * 24)).padStart(2, '0')}${String(Math.floor(rnd() * 10000)).padStart(4, '0')}`;
  return `国药准字${letter}${digits}`;
}

/** Assigns NHSA-style codes: X/Z + ATC or TCM group + generic-name code + form code + spec/pack + manufacturer. */
class CodeBook {
  private names = new Map<string, number>();
  private forms = new Map<string, number>();
  private mfrs = new Map<string, number>();
  private specs = new Map<string, number>();
  private used = new Set<string>();
  private static id<K>(map: Map<K, number>, key: K): number {
    let v = map.get(key);
    if (v === undefined) map.set(key, (v = map.size + 1));
    return v;
  }
  code(d: { tcm: boolean; group: string; genericName: string; dosageForm: string; spec: string; packSize: number; manufacturer: string }): string {
    const name = CodeBook.id(this.names, d.genericName);
    const form = CodeBook.id(this.forms, d.dosageForm);
    const spec = CodeBook.id(this.specs, `${d.genericName}|${d.spec}|${d.packSize}`) % 10000;
    const mfr = CodeBook.id(this.mfrs, d.manufacturer);
    const letter = (n: number) => String.fromCharCode(65 + (Math.floor(n / 1000) % 26));
    let code = `${d.tcm ? 'Z' : 'X'}${d.group}${letter(name)}${String(name % 1000).padStart(3, '0')}${letter(form)}${String(form % 1000).padStart(3, '0')}${String(spec).padStart(4, '0')}${String(mfr).padStart(5, '0')}`;
    while (this.used.has(code)) code = code.slice(0, -5) + String((Number(code.slice(-5)) + 1) % 100000).padStart(5, '0');
    this.used.add(code);
    return code;
  }
}

const micro = (yuan: string) => parseYuanToUnitPrice(yuan)!;

/** Stock levels in base units: hub 1–3 months of a township's use, clinics a few packs. */
function levels(rnd: () => number, d: DemoDrug): Pick<DrugInput, 'hubMin' | 'hubMax' | 'clinicMin' | 'clinicMax'> {
  const bulky = d.packSize === 1 && /ml/.test(d.spec);
  const packs = bulky ? pick(rnd, [40, 60, 100]) : pick(rnd, [5, 10, 10, 20, 30]);
  return {
    hubMin: packs * d.packSize,
    hubMax: packs * 4 * d.packSize,
    clinicMin: (bulky ? 5 : 1) * d.packSize,
    clinicMax: (bulky ? 20 : pick(rnd, [3, 4, 6])) * d.packSize,
  };
}

/** The demo catalog as API inputs (without default suppliers, which need supplier ids). */
export function demoDrugInputs(seed = 20260301): (DrugInput & { demo: DemoDrug })[] {
  const rnd = seededRandom(seed);
  const codes = new CodeBook();
  const approvals = new Map<string, string>();
  return DEMO_DRUGS.map((d) => {
    const productKey = `${d.genericName}|${d.spec}|${d.manufacturer}`;
    let approvalNo = approvals.get(productKey);
    if (!approvalNo) approvals.set(productKey, (approvalNo = approvalNumber(rnd, approvalLetter(d), d.manufacturer)));
    return {
      demo: d,
      nhsaCode: codes.code(d),
      genericName: d.genericName,
      tradeName: d.tradeName,
      dosageForm: d.dosageForm,
      spec: d.spec,
      packUnit: d.packUnit,
      baseUnit: d.baseUnit,
      packSize: d.packSize,
      manufacturer: d.manufacturer,
      approvalNo,
      insuranceClass: d.insuranceClass,
      essential: d.essential,
      vbp: d.vbp !== null,
      vbpBatch: d.vbp ? VBP_BATCH_NAMES[d.vbp.batch] : null,
      vbpPrice: d.vbp ? micro(d.vbp.price) : null,
      referencePrice: d.referencePrice ? micro(d.referencePrice) : null,
      rx: d.rx,
      zeroMarkup: true,
      ...levels(rnd, d),
      tracePrefix: rnd() < 0.6 ? `8${String(Math.floor(rnd() * 1_000_000)).padStart(6, '0')}` : null,
    };
  });
}

/** A supplier's price: the base price moved by a few percent, rounded to the fen (integer arithmetic). */
function varied(rnd: () => number, base: number): number {
  const permille = 960 + Math.floor(rnd() * 100);
  return Number(divRound(BigInt(base) * BigInt(permille), 10_000_000n)) * 10_000;
}

/**
 * Builds the demo catalog through the real handlers: suppliers, drugs (with default suppliers and
 * levels), and each supplier's contract prices. 集采 drugs are delivered at their winning price by
 * one or two suppliers; other drugs are quoted by two or three, and the cheapest is the default.
 */
export async function buildDemoCatalog(pharmacist: InternalClient, seed = 20260301): Promise<{ drugIds: number[]; supplierIds: number[] }> {
  const rnd = seededRandom(seed + 1);
  const supplierIds: number[] = [];
  for (const s of DEMO_SUPPLIERS) supplierIds.push((await pharmacist.call('suppliers.create', { ...s })).id);

  const quotes = new Map<number, { drugId: number; packPrice: number }[]>(supplierIds.map((id) => [id, []]));
  const drugIds: number[] = [];
  for (const { demo, ...input } of demoDrugInputs(seed)) {
    const base = micro(demo.price);
    const offers: { supplierId: number; price: number }[] = [];
    const order = [...supplierIds].sort(() => rnd() - 0.5);
    if (demo.vbp) {
      offers.push({ supplierId: order[0], price: base });
      if (rnd() < 0.4) offers.push({ supplierId: order[1], price: base });
    } else {
      const n = rnd() < 0.5 ? 2 : 3;
      for (const supplierId of order.slice(0, n)) offers.push({ supplierId, price: varied(rnd, base) });
    }
    const best = offers.reduce((a, b) => (b.price < a.price ? b : a));
    const drug = await pharmacist.call('catalog.create', { ...input, defaultSupplierId: best.supplierId });
    drugIds.push(drug.id);
    for (const o of offers) quotes.get(o.supplierId)!.push({ drugId: drug.id, packPrice: o.price });
  }
  for (const [supplierId, prices] of quotes) if (prices.length) await pharmacist.call('suppliers.setPrices', { supplierId, prices });
  return { drugIds, supplierIds };
}

// ——— Benchmark-size catalogs ———

/** Active ingredients beyond the demo list, for plausible large catalogs. */
const MORE_INGREDIENTS = `头孢克洛 头孢泊肟酯 头孢唑肟 头孢西丁 头孢哌酮舒巴坦 美罗培南 万古霉素 多西环素 米诺环素 利奈唑胺 伏立康唑 更昔洛韦 恩替卡韦 替诺福韦
拉米夫定 奥卡西平 拉莫三嗪 托吡酯 加巴喷丁 普瑞巴林 度洛西汀 文拉法辛 米氮平 曲唑酮 喹硫平 氯氮平 唑吡坦 佐匹克隆 劳拉西泮 氯硝西泮 丁螺环酮
坦度螺酮 吡拉西坦 奥拉西坦 胞磷胆碱 依达拉奉 普拉克索 多巴丝肼 司来吉兰 利伐沙班 达比加群酯 阿哌沙班 西洛他唑 贝前列素 伊伐布雷定 托拉塞米
托伐普坦 地尔硫卓 维拉帕米 索他洛尔 奥美沙坦酯 阿利沙坦酯 尼卡地平 贝尼地平 拉西地平 依折麦布 匹伐他汀 达格列净 恩格列净 利格列汀 沙格列汀
维格列汀 阿格列汀 米格列醇 那格列奈 埃索美拉唑 艾普拉唑 瑞巴派特 替普瑞酮 伊托必利 曲美布汀 美沙拉秦 柳氮磺吡啶 熊去氧胆酸 水飞蓟宾 多烯磷脂酰胆碱
双环醇 来曲唑 阿那曲唑 他莫昔芬 比卡鲁胺 索利那新 托特罗定 西地那非 他达拉非 黄体酮 地屈孕酮 雌二醇 米非司酮 溴隐亭 唑来膦酸 利塞膦酸钠 雷洛昔芬
阿法骨化醇 司维拉姆 碳酸镧 西那卡塞 蔗糖铁 多糖铁复合物 腺苷钴胺 依巴斯汀 地氯雷他定 左西替利嗪 非索非那定 奥洛他定 氮卓斯汀 布地奈德 丙酸氟替卡松
噻托溴铵 异丙托溴铵 特布他林 班布特罗 多索茶碱 福多司坦 桉柠蒎 愈创甘油醚 苯丙哌林 右佐匹克隆 氨氯地平贝那普利 缬沙坦氢氯噻嗪 氯沙坦钾氢氯噻嗪
厄贝沙坦 替米沙坦 坎地沙坦酯 美托洛尔 比索洛尔 阿罗洛尔 拉贝洛尔 特拉唑嗪 多沙唑嗪 哌唑嗪 可乐定 甲基多巴 吲哚美辛 萘普生 尼美舒利 依托考昔 氯诺昔康
对乙酰氨基酚 布洛芬 双氯芬酸 酮洛芬 氟比洛芬 曲马多 氨酚羟考酮 加兰他敏 卡巴拉汀 石杉碱甲 银杏蜜环 丹红 灯盏花素 葛根素 川芎嗪 三七通舒 脑络通
丹参酮ⅡA 参麦 生脉 黄芪 刺五加 舒血宁 天麻 全天麻 正天 头痛宁 镇脑宁 养心氏 稳心 参松养心 芪苈强心 心可舒 地奥心血康 复方血栓通 脉血康`
  .split(/\s+/)
  .filter(Boolean);

const FORMS: { suffix: string; form: string; prefix?: string; specs: string[]; packs: [number, string, string][] }[] = [
  {
    suffix: '片',
    form: '片剂',
    specs: ['5mg', '10mg', '20mg', '25mg', '50mg', '0.1g', '0.25g', '0.5g'],
    packs: [
      [7, '片', '盒'],
      [14, '片', '盒'],
      [24, '片', '盒'],
      [28, '片', '盒'],
      [100, '片', '瓶'],
    ],
  },
  {
    suffix: '胶囊',
    form: '胶囊剂',
    specs: ['0.1g', '0.15g', '0.25g', '0.3g', '0.5g', '20mg'],
    packs: [
      [10, '粒', '盒'],
      [12, '粒', '盒'],
      [24, '粒', '盒'],
      [36, '粒', '盒'],
    ],
  },
  {
    suffix: '分散片',
    form: '片剂',
    specs: ['0.1g', '0.125g', '0.25g'],
    packs: [
      [12, '片', '盒'],
      [24, '片', '盒'],
    ],
  },
  {
    suffix: '缓释片',
    form: '缓释片',
    specs: ['10mg', '30mg', '0.1g', '0.5g'],
    packs: [
      [10, '片', '盒'],
      [14, '片', '盒'],
      [30, '片', '盒'],
    ],
  },
  {
    suffix: '肠溶片',
    form: '肠溶片',
    specs: ['10mg', '20mg', '40mg', '0.1g'],
    packs: [
      [7, '片', '盒'],
      [14, '片', '盒'],
      [28, '片', '盒'],
    ],
  },
  {
    suffix: '颗粒',
    form: '颗粒剂',
    specs: ['0.125g', '0.25g', '3g', '5g', '10g'],
    packs: [
      [6, '袋', '盒'],
      [9, '袋', '盒'],
      [12, '袋', '盒'],
    ],
  },
  {
    suffix: '注射液',
    form: '注射剂',
    specs: ['1ml:10mg', '2ml:20mg', '2ml:0.1g', '5ml:50mg', '10ml:0.5g'],
    packs: [
      [5, '支', '盒'],
      [10, '支', '盒'],
    ],
  },
  {
    suffix: '',
    prefix: '注射用',
    form: '注射剂',
    specs: ['0.25g', '0.5g', '1.0g', '40mg'],
    packs: [
      [1, '瓶', '瓶'],
      [10, '瓶', '盒'],
    ],
  },
  {
    suffix: '口服溶液',
    form: '口服溶液剂',
    specs: ['100ml:0.6g', '10ml:0.1g', '60ml'],
    packs: [
      [1, '瓶', '瓶'],
      [6, '支', '盒'],
    ],
  },
  {
    suffix: '软胶囊',
    form: '软胶囊',
    specs: ['0.1g', '0.25g', '0.45g'],
    packs: [
      [12, '粒', '盒'],
      [24, '粒', '盒'],
    ],
  },
];

const CITIES =
  '北京 天津 石家庄 太原 沈阳 长春 哈尔滨 上海 南京 杭州 合肥 福州 南昌 济南 郑州 武汉 长沙 广州 南宁 海口 重庆 成都 贵阳 昆明 西安 兰州 西宁 银川 乌鲁木齐 苏州 无锡 常州 台州 绍兴 烟台 潍坊 宜昌 株洲 珠海 佛山 绵阳 遵义 大理 宝鸡 天水'.split(
    ' ',
  );
const BRANDS =
  '华康 瑞丰 恒生 康宁 金象 仁和 永康 益民 安泰 德济 济民 同济 万和 天元 博康 新华 中天 华润 康恩 惠达 海王 福瑞 鑫源 长康 龙泰 宏远 普济 健民 安康 联合'.split(
    ' ',
  );
const KINDS = ['制药有限公司', '药业有限公司', '药业股份有限公司', '制药股份有限公司', '生物制药有限公司', '药业集团有限公司'];
const GROUPS = ['A02BC', 'A10BA', 'B01AC', 'C07AB', 'C08CA', 'C09CA', 'C10AA', 'J01CA', 'J01DD', 'J01MA', 'M01AE', 'N02BE', 'N05AH', 'N06AB', 'R03DC', 'R06AX'];

/**
 * `count` plausible catalog rows for benchmarks (e.g. 100,000): real ingredient names in common forms,
 * specs and packs, 400-odd manufacturers, unique NHSA-style codes, ~40% 集采, insurance classes and
 * essential-drug flags in realistic proportions. Deterministic for a seed.
 */
export function generateCatalogRows(count: number, seed = 1): DrugInput[] {
  const rnd = seededRandom(seed);
  const demoIngredients = [
    ...new Set(
      DEMO_DRUGS.filter((d) => !d.tcm).map((d) =>
        d.genericName
          .replace(/(肠溶|缓释|控释|分散|咀嚼|泡腾)?(片|胶囊|颗粒|注射液|散|乳膏|软膏|滴眼液|口服溶液|混悬液|干混悬剂|气雾剂)(\(.*\))?$/, '')
          .replace(/^注射用/, ''),
      ),
    ),
  ];
  const ingredients = [...new Set([...demoIngredients, ...MORE_INGREDIENTS])];
  const manufacturers: string[] = [];
  for (let i = 0; i < 420; i++) manufacturers.push(`${pick(rnd, CITIES)}${pick(rnd, BRANDS)}${pick(rnd, KINDS)}`);
  const rows: DrugInput[] = [];
  for (let i = 0; i < count; i++) {
    const ingredient = pick(rnd, ingredients);
    const f = pick(rnd, FORMS);
    const [packSize, baseUnit, packUnit] = pick(rnd, f.packs);
    const genericName = `${f.prefix ?? ''}${ingredient}${f.suffix}`;
    const vbp = rnd() < 0.4;
    const priceFen = 50 + Math.floor(rnd() * 20000);
    const ins = rnd();
    const group = pick(rnd, GROUPS);
    const manufacturer = pick(rnd, manufacturers);
    rows.push({
      nhsaCode: `X${group}${String.fromCharCode(65 + (i % 26))}${String(i % 997).padStart(3, '0')}${String(i).padStart(9, '0')}`,
      genericName,
      tradeName: rnd() < 0.08 ? `${pick(rnd, BRANDS)}${pick(rnd, ['宁', '欣', '舒', '康', '诺', '泰'])}` : null,
      dosageForm: f.form,
      spec: pick(rnd, f.specs),
      packUnit,
      baseUnit,
      packSize,
      manufacturer,
      approvalNo: approvalNumber(rnd, 'H', manufacturer),
      insuranceClass: ins < 0.45 ? 'A' : ins < 0.85 ? 'B' : 'none',
      essential: rnd() < 0.3,
      vbp,
      vbpBatch: vbp ? VBP_BATCH_NAMES[1 + Math.floor(rnd() * 10)] : null,
      vbpPrice: vbp ? priceFen * 10_000 : null,
      referencePrice: vbp ? priceFen * 10_000 * (3 + Math.floor(rnd() * 5)) : null,
      rx: rnd() < 0.8,
      zeroMarkup: true,
      hubMin: packSize * 10,
      hubMax: packSize * 40,
      clinicMin: packSize,
      clinicMax: packSize * 4,
      tracePrefix: null,
    });
  }
  return rows;
}

/** Rows (e.g. from generateCatalogRows) as a catalog workbook in the import format, for import benchmarks. */
export function catalogRowsWorkbook(rows: DrugInput[]): Promise<Buffer> {
  return writeCatalogWorkbook(rows.map((r) => ({ record: { ...drugInput.parse(r), active: true }, supplierName: null })));
}

/** A generated catalog row as a complete drug record: what the import would store for the columns left empty. */
export function generatedDrugRecord(r: DrugInput, defaultSupplierId: number | null): DrugRecord {
  return {
    ...r,
    tradeName: r.tradeName ?? null,
    approvalNo: r.approvalNo ?? null,
    essential: r.essential ?? false,
    vbp: r.vbp ?? false,
    vbpBatch: r.vbpBatch ?? null,
    vbpPrice: r.vbpPrice ?? null,
    referencePrice: r.referencePrice ?? null,
    rx: r.rx ?? true,
    zeroMarkup: r.zeroMarkup ?? true,
    defaultSupplierId,
    hubMin: r.hubMin ?? null,
    hubMax: r.hubMax ?? null,
    clinicMin: r.clinicMin ?? null,
    clinicMax: r.clinicMax ?? null,
    tracePrefix: r.tracePrefix ?? null,
    gtin: r.gtin ?? null,
    active: true,
  };
}

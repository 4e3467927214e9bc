/**
 * Settlement details (医保结算明细) and reconciliation (对账), shared by the import, the screens and the docs.
 *
 * A clinic's insurance client (the provincial client or its HIS) exports the fee details it settled: the
 * interface 2204 fields (med_list_codg, cnt, pric, det_item_fee_sumamt, fee_ocur_time, mdtrt_id, feedetl_sn…),
 * the 2207 settlement's ids (setl_id, psn_no…), and since 2025 the boxes' codes (drug_trac_codg), under the
 * field codes or under the Chinese headers such clients print (项目编码, 数量, 单价, 金额, 费用发生时间, 就诊ID…).
 */

export const SETTLEMENT_FIELDS = [
  'mdtrtId',
  'setlId',
  'feedetlSn',
  'initFeedetlSn',
  'rxNo',
  'feeTime',
  'medListCodg',
  'medinsListCodg',
  'itemName',
  'cnt',
  'unit',
  'pric',
  'amount',
  'traceCodes',
  'doctorName',
  'medType',
  'hiFeesetlType',
  'mdtrtSetlType',
  'psnNo',
  'psnName',
  'psnCertType',
  'certno',
] as const;
export type SettlementField = (typeof SETTLEMENT_FIELDS)[number];

export interface SettlementColumn {
  field: SettlementField;
  label: string;
  /** NHSA interface field codes (2204/2207/3505), preferred when several columns match. */
  national: string[];
  /** Chinese headers insurance clients and HIS exports print. */
  aliases: string[];
  required?: boolean;
  /** Personal data (个人信息保护法): masked on screen, audited when shown, cleared after the retention. */
  personal?: boolean;
  hint?: string;
}

export const SETTLEMENT_COLUMNS: SettlementColumn[] = [
  {
    field: 'mdtrtId',
    label: '就诊ID',
    national: ['mdtrt_id'],
    aliases: ['就诊ID', '就诊编号', '就诊号', '就诊流水号', '就医流水号', '门诊号', '门诊流水号', '挂号流水号'],
    required: true,
    hint: '同一次就诊的各行相同；用药登记的“就诊号”按它对应',
  },
  { field: 'setlId', label: '结算ID', national: ['setl_id'], aliases: ['结算ID', '结算编号', '结算流水号', '结算单号'] },
  {
    field: 'feedetlSn',
    label: '费用明细流水号',
    national: ['feedetl_sn'],
    aliases: ['费用明细流水号', '明细流水号', '费用流水号', '明细序号'],
    hint: '有它时按它判断是否已导入；没有时按就诊、药品、时间、数量、金额判断',
  },
  {
    field: 'initFeedetlSn',
    label: '原费用流水号（冲正行）',
    national: ['init_feedetl_sn'],
    aliases: ['原费用流水号', '原明细流水号', '原费用明细流水号', '被冲销流水号'],
  },
  { field: 'rxNo', label: '处方号', national: ['rxno', 'rx_drord_no', 'drord_no'], aliases: ['处方号', '处方/医嘱号', '医嘱号', '处方编号'] },
  {
    field: 'feeTime',
    label: '费用发生时间',
    national: ['fee_ocur_time'],
    aliases: ['费用发生时间', '发生时间', '费用时间', '收费时间', '结算时间', '开单时间', '就诊时间'],
    required: true,
    hint: '如 2026-03-16 09:41:00；按这一天对账',
  },
  {
    field: 'medListCodg',
    label: '医保目录编码',
    national: ['med_list_codg'],
    aliases: ['项目编码', '医保编码', '医疗目录编码', '医保目录编码', '医保项目编码', '国家编码', '国家医保编码', '药品编码', '医保药品编码'],
    required: true,
    hint: 'X 或 Z 开头的是药品；诊疗项目、耗材不参与对账',
  },
  {
    field: 'medinsListCodg',
    label: '医药机构目录编码',
    national: ['medins_list_codg'],
    aliases: ['医药机构目录编码', '院内编码', '本院编码', '医院项目编码', '机构目录编码'],
  },
  {
    field: 'itemName',
    label: '项目名称',
    national: ['hilist_name', 'medins_list_name', 'med_list_name'],
    aliases: ['项目名称', '医保目录名称', '医保项目名称', '药品名称', '收费项目名称', '名称', '品名'],
  },
  { field: 'cnt', label: '数量', national: ['cnt'], aliases: ['数量', '结算数量', '发药数量'], required: true, hint: '冲正（撤销）行为负数' },
  {
    field: 'unit',
    label: '单位',
    national: ['prcunt', 'min_prcunt'],
    aliases: ['单位', '计价单位', '最小计价单位', '包装单位', '数量单位'],
    hint: '最小单位（如 粒）或包装单位（如 盒）；没有这一列时按单价判断',
  },
  { field: 'pric', label: '单价', national: ['pric'], aliases: ['单价', '价格', '结算单价'], hint: '元' },
  {
    field: 'amount',
    label: '金额',
    national: ['det_item_fee_sumamt'],
    aliases: ['金额', '明细项目费用总额', '费用总额', '总金额', '合计金额', '费用金额', '结算金额'],
    required: true,
    hint: '元，冲正行为负数',
  },
  {
    field: 'traceCodes',
    label: '药品追溯码',
    national: ['drug_trac_codg'],
    aliases: ['追溯码', '药品追溯码', '溯源码', '药品溯源码'],
    hint: '一行有多盒时以逗号或分号分隔',
  },
  {
    field: 'doctorName',
    label: '开单医生',
    national: ['bilg_dr_name', 'prsc_dr_name'],
    aliases: ['开单医生', '开单医生姓名', '开方医生', '开方医师', '处方医生', '医生姓名', '医生', '医师'],
  },
  { field: 'medType', label: '医疗类别', national: ['med_type'], aliases: ['医疗类别'] },
  { field: 'hiFeesetlType', label: '医保费用结算类型', national: ['hi_feesetl_type'], aliases: ['医保费用结算类型', '费用结算类型'] },
  { field: 'mdtrtSetlType', label: '就诊结算类型', national: ['mdtrt_setl_type'], aliases: ['就诊结算类型'] },
  { field: 'psnNo', label: '人员编号', national: ['psn_no'], aliases: ['人员编号', '个人编号', '参保人编号', '医保个人编号'], personal: true },
  { field: 'psnName', label: '姓名', national: ['psn_name'], aliases: ['姓名', '患者姓名', '人员姓名', '参保人姓名', '病人姓名'], personal: true },
  { field: 'psnCertType', label: '人员证件类型', national: ['psn_cert_type'], aliases: ['人员证件类型', '证件类型'] },
  {
    field: 'certno',
    label: '证件号码',
    national: ['certno'],
    aliases: ['证件号码', '身份证号', '身份证号码', '公民身份号码', '证件号'],
    personal: true,
  },
];

export const SETTLEMENT_COLUMN_BY_FIELD = Object.fromEntries(SETTLEMENT_COLUMNS.map((c) => [c.field, c])) as Record<SettlementField, SettlementColumn>;
export const PERSONAL_FIELDS: SettlementField[] = SETTLEMENT_COLUMNS.filter((c) => c.personal).map((c) => c.field);

// ───────────── differences ─────────────

export const DIFFERENCE_KINDS = [
  'settled_not_dispensed',
  'dispensed_not_settled',
  'self_pay',
  'visit_mismatch',
  'price_mismatch',
  'unknown_drug',
  'code_settled_twice',
  'code_other_drug',
  'code_not_scanned',
  'code_not_settled',
] as const;
export type DifferenceKind = (typeof DIFFERENCE_KINDS)[number];

export const DIFFERENCE_LABELS: Record<DifferenceKind, string> = {
  settled_not_dispensed: '结算未发药',
  dispensed_not_settled: '发药未结算',
  self_pay: '自费（已标记）',
  visit_mismatch: '同次就诊药品不符',
  price_mismatch: '结算价与配送价不符',
  unknown_drug: '结算药品不在目录',
  code_settled_twice: '追溯码重复结算',
  code_other_drug: '追溯码属于其他药品',
  code_not_scanned: '结算的追溯码发药时未扫',
  code_not_settled: '发药扫的追溯码未结算',
};

/** What each difference means for people (the screens' legend and the printed sheet's notes). */
export const DIFFERENCE_HELP: Record<DifferenceKind, string> = {
  settled_not_dispensed: '医保结算了，但本系统没有相应的用药登记：未登记（可“按结算登记用药”补上）或虚开。',
  dispensed_not_settled: '登记了用药，但医保没有结算：患者自费的请标记“自费”，否则核实是否漏结算或多登记。',
  self_pay: '卫生室已标记为患者自费，不是差异。',
  visit_mismatch: '同一次就诊，医保结算的药品与登记发出的药品不同：疑似串换。',
  price_mismatch: '结算单价与中心库配送给本室的价格不同（基本药物零差率销售，应当相同）。',
  unknown_drug: '结算明细中的医保编码不在药品目录中：不是统一配送的药品。',
  code_settled_twice: '同一盒药的追溯码在两条结算明细中出现：一盒药只能卖一次（回流药、串换或虚开）。',
  code_other_drug: '追溯码是中心库验收时登记的另一种药品的盒子：结算的药品与实际的盒子不符。',
  code_not_scanned: '结算明细带有追溯码，但发药时没有扫到这盒药。',
  code_not_settled: '发药时扫了这盒药，但结算明细中没有它。',
};

/** Differences that are not a problem (shown, never counted as open). */
export const SETTLED_DIFFERENCES: ReadonlySet<DifferenceKind> = new Set(['self_pay']);

// ───────────── personal data ─────────────

/** A name as shown unless asked for: the surname and a star per other character ('王建国' → '王**'). */
export function maskName(name: string | null): string | null {
  if (!name) return name;
  const chars = [...name];
  if (chars.length === 1) return '*';
  // Two-character surnames of four-character names (欧阳, 司马…) keep both.
  const keep = chars.length >= 4 ? 2 : 1;
  return chars.slice(0, keep).join('') + '*'.repeat(chars.length - keep);
}

/** An ID number as shown unless asked for: the first 4 and the last 4 ('430102195001011234' → '4301**********1234'). */
export function maskCertno(certno: string | null): string | null {
  if (!certno) return certno;
  if (certno.length <= 8) return '*'.repeat(certno.length);
  return `${certno.slice(0, 4)}${'*'.repeat(certno.length - 8)}${certno.slice(-4)}`;
}

/** An insurance person number as shown unless asked for: the last 4 only. */
export function maskPsnNo(psnNo: string | null): string | null {
  if (!psnNo) return psnNo;
  return psnNo.length <= 4 ? '*'.repeat(psnNo.length) : `${'*'.repeat(psnNo.length - 4)}${psnNo.slice(-4)}`;
}

/** How long the patient's name, ID number and person number are kept (months after the visit). */
export const IDENTITY_RETENTION = { default: 36, min: 3, max: 180 } as const;

/** 人员证件类型 codes as the NHSA dictionary (PSN_CERT_TYPE) names them, for the screens. */
export const PSN_CERT_TYPE_LABELS: Record<string, string> = {
  '01': '居民身份证（户口簿）',
  '02': '中国人民解放军军官证',
  '03': '中国人民武装警察警官证',
  '04': '香港特区护照/港澳居民来往内地通行证',
  '05': '澳门特区护照/港澳居民来往内地通行证',
  '06': '台湾居民来往大陆通行证',
  '07': '外国人永久居留证',
  '08': '外国人护照',
  '09': '残疾人证',
  '10': '军烈属证明',
  '11': '外国人就业证',
  '12': '外国专家证',
  '13': '外国人常驻记者证',
  '14': '台港澳人员就业证',
  '15': '回国（来华）定居专家证',
  '90': '社会保障卡',
  '99': '其他身份证件',
};

/** 就诊结算类型 / 医保费用结算类型 as Santong fills them when the file has no such column. */
export const SETL_TYPE = { insured: '1', selfPay: '2' } as const;

/**
 * The national medical-insurance platform's 进销存 (purchases / sales / stock) upload interfaces, as the
 * 医疗保障信息平台 定点医药机构接口规范 names them: 3501 商品盘存上传, 3502 商品库存变更, 3503 商品采购,
 * 3504 商品采购退货, 3505 商品销售, 3506 商品销售退货 (3507 删除 withdraws an uploaded record; it takes no
 * file, so it is not exported).
 *
 * Field codes, Chinese names, lengths and required marks follow the input tables of the specification as
 * reproduced by insurance interface clients that implement it (public code: the 3501–3506 bean classes
 * with the spec's "字符型/数值型 16,6/16,4, 必填" annotations, e.g. the 3502 InventoryChangeRecord and
 * 3503/3504 purchase beans, the HIS "InsureStockManagerBoImpl" 3501–3506 upload mappings, and the 3505
 * validator written against 国家医保局 2025 07号文 §十二 表206/208). Where versions differ, the field
 * set here is the union a provincial platform accepts: unknown optional fields are ignored by it.
 * The `drugtracinfo` node (list of { drug_trac_codg }) is the 2025 traceability addition.
 *
 * inv_chg_type (库存变更类型) codes, from the same sources: 101 调拨入库, 102 调拨出库, 103 盘盈, 104 盘损,
 * 105 销毁, 106 其他入库, 107 其他出库, 108 商品采购入库, 109 商品退货出库, 110 赠药入库, 111 赠药退回出库.
 * (Some provinces' tables call 108 "初始化入库"; Santong never emits 108–111, see below.)
 */

export const INTERFACE_CODES = ['3501', '3502', '3503', '3504', '3505', '3506'] as const;
export type InterfaceCode = (typeof INTERFACE_CODES)[number];

export const INTERFACE_NAMES: Record<InterfaceCode, string> = {
  '3501': '商品盘存上传',
  '3502': '商品库存变更',
  '3503': '商品采购',
  '3504': '商品采购退货',
  '3505': '商品销售',
  '3506': '商品销售退货',
};

/** The input node each interface wraps its rows in (for a single-row call; batch variants use lists). */
export const INTERFACE_NODES: Record<InterfaceCode, string> = {
  '3501': 'invinfo',
  '3502': 'invinfo',
  '3503': 'purcinfo',
  '3504': 'purcinfo',
  '3505': 'selinfo',
  '3506': 'selinfo',
};

export type FieldType = 'text' | 'date' | 'datetime' | 'price' | 'count' | 'trace';

export interface FieldSpec {
  code: string;
  label: string;
  type: FieldType;
  required: boolean;
}

const f = (code: string, label: string, type: FieldType = 'text', required = false): FieldSpec => ({ code, label, type, required });

const DRUG = [
  f('med_list_codg', '医疗目录编码', 'text', true),
  f('fixmedins_hilist_id', '定点医药机构目录编号', 'text', true),
  f('fixmedins_hilist_name', '定点医药机构目录名称', 'text', true),
];
const TRACE = f('drugtracinfo', '溯源码节点信息（drug_trac_codg 药品追溯码）', 'trace');

export const INTERFACE_FIELDS: Record<InterfaceCode, FieldSpec[]> = {
  '3501': [
    ...DRUG,
    f('rx_flag', '处方药标志', 'text', true),
    f('invdate', '盘存日期', 'date', true),
    f('inv_cnt', '库存数量', 'count', true),
    f('manu_lotnum', '生产批号'),
    f('fixmedins_bchno', '定点医药机构批次流水号', 'text', true),
    f('manu_date', '生产日期', 'date', true),
    f('expy_end', '有效期止', 'date', true),
    f('memo', '备注'),
  ],
  '3502': [
    f('med_list_codg', '医疗目录编码', 'text', true),
    f('inv_chg_type', '库存变更类型', 'text', true),
    f('fixmedins_hilist_id', '定点医药机构目录编号', 'text', true),
    f('fixmedins_hilist_name', '定点医药机构目录名称', 'text', true),
    f('fixmedins_bchno', '定点医药机构批次流水号', 'text', true),
    f('pric', '单价', 'price', true),
    f('cnt', '数量', 'count', true),
    f('rx_flag', '处方药标志', 'text', true),
    f('inv_chg_time', '库存变更时间', 'datetime', true),
    f('inv_chg_opter_name', '库存变更经办人姓名'),
    f('memo', '备注'),
    f('trdn_flag', '拆零标志', 'text', true),
    TRACE,
  ],
  '3503': [
    ...DRUG,
    f('dynt_no', '随货单号'),
    f('fixmedins_bchno', '定点医药机构批次流水号', 'text', true),
    f('spler_name', '供应商名称', 'text', true),
    f('spler_pmtno', '供应商许可证号'),
    f('manu_lotnum', '生产批号', 'text', true),
    f('prodentp_name', '生产厂家名称', 'text', true),
    f('aprvno', '批准文号', 'text', true),
    f('manu_date', '生产日期', 'date', true),
    f('expy_end', '有效期止', 'date', true),
    f('finl_trns_pric', '最终成交单价', 'price'),
    f('purc_retn_cnt', '采购/退货数量', 'count', true),
    f('purc_invo_codg', '采购发票编码'),
    f('purc_invo_no', '采购发票号'),
    f('rx_flag', '处方药标志', 'text', true),
    f('purc_retn_stoin_time', '采购/退货入库时间', 'datetime', true),
    f('purc_retn_opter_name', '采购/退货经办人姓名', 'text', true),
    f('prod_geay_flag', '商品赠送标志', 'text', true),
    f('memo', '备注'),
    TRACE,
  ],
  '3504': [
    ...DRUG,
    f('fixmedins_bchno', '定点医药机构批次流水号', 'text', true),
    f('spler_name', '供应商名称', 'text', true),
    f('spler_pmtno', '供应商许可证号'),
    f('manu_date', '生产日期', 'date', true),
    f('expy_end', '有效期止', 'date', true),
    f('finl_trns_pric', '最终成交单价', 'price'),
    f('purc_retn_cnt', '采购/退货数量', 'count', true),
    f('purc_invo_codg', '采购发票编码'),
    f('purc_invo_no', '采购发票号', 'text', true),
    f('rx_flag', '处方药标志', 'text', true),
    f('purc_retn_stoin_time', '采购/退货入库时间', 'datetime', true),
    f('purc_retn_opter_name', '采购/退货经办人姓名', 'text', true),
    f('memo', '备注'),
    f('medins_prod_purc_no', '商品采购流水号'),
    TRACE,
  ],
  '3505': [
    ...DRUG,
    f('fixmedins_bchno', '定点医药机构批次流水号', 'text', true),
    f('prsc_dr_cert_type', '开方医师证件类型'),
    f('prsc_dr_certno', '开方医师证件号码'),
    f('prsc_dr_name', '开方医师姓名', 'text', true),
    f('phar_cert_type', '药师证件类型'),
    f('phar_certno', '药师证件号码'),
    f('phar_name', '药师姓名'),
    f('phar_prac_cert_no', '药师执业资格证号'),
    f('hi_feesetl_type', '医保费用结算类型', 'text', true),
    f('setl_id', '结算ID'),
    f('mdtrt_sn', '就医流水号', 'text', true),
    f('psn_no', '人员编号'),
    f('psn_cert_type', '人员证件类型', 'text', true),
    f('certno', '证件号码'),
    f('psn_name', '人员姓名'),
    f('manu_lotnum', '生产批号', 'text', true),
    f('manu_date', '生产日期', 'date', true),
    f('expy_end', '有效期止', 'date'),
    f('rx_flag', '处方药标志', 'text', true),
    f('trdn_flag', '拆零标志', 'text', true),
    f('finl_trns_pric', '最终成交单价', 'price'),
    f('rxno', '处方号'),
    f('rx_circ_flag', '外购处方标志'),
    f('rtal_docno', '零售单据号', 'text', true),
    f('stoout_no', '销售出库单据号'),
    f('bchno', '批次号'),
    f('drug_prod_barc', '药品条形码'),
    f('shelf_posi', '货架位'),
    f('sel_retn_cnt', '销售/退货数量', 'count', true),
    f('sel_retn_time', '销售/退货时间', 'datetime', true),
    f('sel_retn_opter_name', '销售/退货经办人姓名', 'text', true),
    f('memo', '备注'),
    f('mdtrt_setl_type', '就诊结算类型', 'text', true),
    TRACE,
  ],
  '3506': [
    ...DRUG,
    f('fixmedins_bchno', '定点医药机构批次流水号', 'text', true),
    f('setl_id', '结算ID'),
    f('psn_no', '人员编号'),
    f('psn_cert_type', '人员证件类型', 'text', true),
    f('certno', '证件号码'),
    f('psn_name', '人员姓名'),
    f('manu_lotnum', '生产批号', 'text', true),
    f('manu_date', '生产日期', 'date', true),
    f('expy_end', '有效期止', 'date', true),
    f('rx_flag', '处方药标志', 'text', true),
    f('trdn_flag', '拆零标志', 'text', true),
    f('finl_trns_pric', '最终成交单价', 'price'),
    f('sel_retn_cnt', '销售/退货数量', 'count', true),
    f('sel_retn_time', '销售/退货时间', 'datetime', true),
    f('sel_retn_opter_name', '销售/退货经办人姓名', 'text', true),
    f('memo', '备注'),
    f('medins_prod_sel_no', '商品销售流水号'),
    f('mdtrt_sn', '就医流水号'),
    TRACE,
  ],
};

/**
 * Fields Santong does not keep, emitted empty (never invented). The patient's insurance identity and the
 * settlement of the visit live in the clinic's HIS / insurance settlement system, not in the stock book.
 */
export const NOT_KEPT: Partial<Record<InterfaceCode, { fields: string[]; why: string }[]>> = {
  '3502': [{ fields: ['drugtracinfo'], why: '未扫码的报损、退货、配送行为空：只填这一行移动的药盒（报损单、退货单行上扫的，配送拣货与签收扫的）' }],
  '3503': [{ fields: ['purc_invo_codg'], why: '发票代码未登记（发票号已登记；随货单号取自验收记录，升级前入库的为空）' }],
  '3504': [
    { fields: ['purc_invo_codg'], why: '发票代码未登记' },
    { fields: ['drugtracinfo'], why: '退货时未扫码的行为空：只填退货单行上扫的药盒' },
  ],
  '3505': [
    {
      fields: ['prsc_dr_cert_type', 'prsc_dr_certno', 'phar_cert_type', 'phar_certno', 'phar_name', 'phar_prac_cert_no'],
      why: '用药登记与医保结算明细都不含开方医师、药师的证件信息',
    },
    {
      fields: ['certno', 'psn_name'],
      why: '患者的证件号码和姓名不随进销存上传导出（个人信息保护法，只导出平台关联所需的人员编号 psn_no 与结算ID setl_id）',
    },
    {
      fields: ['setl_id', 'psn_no', 'hi_feesetl_type', 'mdtrt_setl_type', 'psn_cert_type', 'prsc_dr_name'],
      why: '取自导入的医保结算明细（按结算明细登记的用药，或就诊号与就诊ID相同、同日同药的）；没有结算明细的用药（患者自费或尚未导入）为空；人员编号在结算明细超过保存期限、身份信息已清除后为空；结算明细没有费用结算类型、就诊结算类型列时，这两项按医保结算填 1',
    },
    { fields: ['stoout_no', 'bchno', 'drug_prod_barc', 'shelf_posi'], why: '无单独的销售出库单、条形码与货架位' },
    {
      fields: ['drugtracinfo'],
      why: '用药时未扫码的行（扫码为可选）为空：只填用药登记时扫到的追溯码；“拆零药品开盒时扫码一次”时，未扫码的拆零用药填它所用的已开封那盒的码',
    },
  ],
  '3506': [
    {
      fields: ['setl_id', 'psn_no', 'psn_cert_type', 'mdtrt_sn'],
      why: '取自所冲销用药背后的医保结算明细（按结算明细登记的，或就诊号与就诊ID相同、同日同药的，含已冲正的）；没有结算明细的用药（患者自费或尚未导入）冲销时为空；人员编号在身份信息按保存期限清除后为空。3506 接口本身没有开方医师、费用结算类型、就诊结算类型字段',
    },
    {
      fields: ['certno', 'psn_name'],
      why: '患者的证件号码和姓名不随进销存上传导出（个人信息保护法，只导出平台关联所需的人员编号 psn_no 与结算ID setl_id）',
    },
    { fields: ['drugtracinfo'], why: '所冲销的用药登记未扫码时为空：只填原用药登记扫到的追溯码' },
  ],
};

export const INV_CHG_TYPES = {
  '101': '调拨入库',
  '102': '调拨出库',
  '103': '盘盈',
  '104': '盘损',
  '105': '销毁',
  '106': '其他入库',
  '107': '其他出库',
  '108': '商品采购入库',
  '109': '商品退货出库',
  '110': '赠药入库',
  '111': '赠药退回出库',
} as const;
export type InvChgType = keyof typeof INV_CHG_TYPES;

/** Whether a 3502 change type puts stock in (+1) or takes it out (−1). */
export const INV_CHG_DIRECTION: Record<InvChgType, 1 | -1> = {
  '101': 1,
  '102': -1,
  '103': 1,
  '104': -1,
  '105': -1,
  '106': 1,
  '107': -1,
  '108': 1,
  '109': -1,
  '110': 1,
  '111': -1,
};

/** The sign each interface's count has in the stock book (3501 is a balance, not a change). */
export const INTERFACE_DIRECTION: Record<Exclude<InterfaceCode, '3501' | '3502'>, 1 | -1> = {
  '3503': 1,
  '3504': -1,
  '3505': -1,
  '3506': 1,
};

/** How the ledger maps onto the interfaces, for people (shown on the export screen and in the workbook). */
export const MAPPING_NOTES: string[] = [
  '3501 盘存：月末（本月未结束时为今天）每个库房每个批次的结存数量；已结账月份与结账快照逐药核对。',
  '3503 采购：验收入库；入库单冲销记入 3504（数量为冲销数量）。3504 采购退货：退货给配送企业；退货冲销记入 3503。',
  '3505 销售：村卫生室用药登记（按批次，先到期先用）；用药登记冲销记入 3506 销售退货。',
  '3502 库存变更：配送出库 102 调拨出库（同时转入在途 101）、签收 101 调拨入库（同时在途转出 102）、卫生室退回 102/101、配送差异退回 101；盘盈 103、盘亏 104；过期/破损/质量问题报损 105 销毁，丢失等其他报损 107 其他出库；以上单据的冲销记相反方向的类型（报损冲销 106 其他入库）。108–111 不使用：采购与退货已由 3503/3504 上报，本院无赠药。',
  '数量一律为最小单位（与台账一致，整数）；单价为每最小单位的成本价（零差率，元，6 位小数）；数量不是整包装时拆零标志为 1。',
  '定点医药机构批次流水号 = 本系统批次号（L + 批次编号），同一批次在各接口中相同；定点医药机构目录编号 = YP + 药品编号。',
  '在途库房（已出库、卫生室未签收）的药品属中心药库，随中心药库上报（备注写明在途库房）：签收短少经核实报损的，记 3502 的 107 其他出库，备注“在途报损”。',
  '每行备注写明本系统单据号和台账流水号，可逐行追溯到台账：本月每一条台账（含在途库房）恰好出现在 3502–3506 的一行中。',
];

export const fixmedinsBchno = (lotId: number) => `L${String(lotId).padStart(8, '0')}`;
export const fixmedinsHilistId = (drugId: number) => `YP${String(drugId).padStart(6, '0')}`;

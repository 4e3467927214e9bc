import { z } from 'zod';
import { defineMethod } from './define';
import { fileContent, id, optionalText, pageOf, paging, requiredText, text } from './common';
import { drugSnapshot, vbpSuggestion } from './requisitions';
import { about, drugOut, out, valuesText } from './describe';

/** Aggregation (汇总) of approved requisitions and the hub's own needs into purchase orders (采购订单). */

/** short_closed: partly received, then closed by the pharmacist (终止收货): the rest will never come. */
export const ORDER_STATUSES = ['draft', 'sent', 'partly_received', 'received', 'short_closed', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  draft: '草稿',
  sent: '已发送',
  partly_received: '部分到货',
  received: '已到货',
  short_closed: '已终止收货',
  cancelled: '已作废',
};

export const AGGREGATION_PROBLEMS = ['no_supplier', 'supplier_inactive', 'no_price', 'drug_inactive'] as const;

/** One requisition line an order line serves. */
export const lineSource = z.object({
  requisitionLineId: out.id('请领行'),
  requisitionId: out.id('请领单'),
  requisitionDocNo: out.docNo('请领单号', 'QL'),
  clinicId: out.id('村卫生室'),
  clinicName: out.text('卫生室名称'),
  /** Base units of the clinic's approved, not yet issued quantity this order counted as demand. */
  qty: out.qty('计入本次需求的数量：该请领行已核准、尚未出库的部分'),
  /** Set when the hub switched the clinic's requested drug to this 集采 drug. */
  originalDrugName: out.text('卫生室原来请领的药品名（药库改为本集采药品时）；null = 未更换').nullable(),
});

const ORDER_STATUS_MEANINGS = `${valuesText(ORDER_STATUS_LABELS)}（partly_received：有到货但未收齐；received：每行都已收齐；short_closed：部分到货后终止收货，余下的不再到货）`;
export type LineSource = z.infer<typeof lineSource>;

/** The arithmetic of one drug in an aggregation: every number the order quantity comes from. */
export const aggregationLine = drugSnapshot.extend({
  nhsaCode: drugOut.nhsaCode,
  /** Approved, not yet issued base units of the selected requisitions. */
  clinicQty: out.qty('所选请领单中已核准、尚未出库的数量'),
  hubMin: out.qty('中心库库存下限', 'null = 未设置').nullable(),
  hubMax: out.qty('中心库库存上限', 'null = 未设置').nullable(),
  /** The stock level the hub wants to keep for itself (hub max) when replenishment applies, else 0. */
  hubNeed: out.qty('药库补货需求：勾选补货、设有下限且 hubAvailable + onOrder − clinicQty 低于下限时为上限（无上限取下限），否则 0'),
  /** Hub store balance in lots that have not expired. */
  hubStock: out.qty('中心药库今天未过期批次的结存'),
  /** Approved for clinics outside this run and not yet issued. */
  hubCommitted: out.qty('已核准给本次以外请领单、尚未出库的数量'),
  /** hubStock − hubCommitted (may be negative). */
  hubAvailable: out.qty('可用 = hubStock − hubCommitted，可能为负'),
  /** Ordered and not yet received (draft, sent and partly received orders). */
  onOrder: out.qty('在途订单：草稿、已发送、部分到货订单中尚未收到的数量'),
  /** clinicQty + hubNeed − hubAvailable − onOrder, at least 0, before rounding. */
  netQty: out.qty('净需求 = max(0, clinicQty + hubNeed − hubAvailable − onOrder)，取整前'),
  /** netQty rounded up to whole packs. */
  orderQty: out.qty('订购数量 = netQty 向上取整到整包装（packSize 的倍数）'),
  supplierId: out.id('默认配送企业', 'null = 药品没有默认配送企业，或无需订购').nullable(),
  supplierName: out.text('默认配送企业名称；null = 没有默认配送企业，或无需订购').nullable(),
  packPrice: out.packPrice('该企业的有效合同价', 'null = 无需订购或有问题（见 problem）').nullable(),
  amount: out.fen('行金额 = orderQty × packPrice ÷ packSize，四舍五入到分', 'null = 没有价格').nullable(),
  sources: z.array(lineSource).describe('需求来自哪些请领行'),
  problem: z
    .object({
      code: z
        .enum(AGGREGATION_PROBLEMS)
        .describe(
          `问题代码。${valuesText({ no_supplier: '没有默认配送企业', supplier_inactive: '默认配送企业已停用', no_price: '默认配送企业没有有效合同价', drug_inactive: '药品已停用' })}`,
        ),
      message: out.text('问题说明（中文）'),
    })
    .nullable()
    .describe('需要订购却无法订购的原因（阻止生成订单）；null = 没有问题'),
  vbpSuggestion: vbpSuggestion.nullable().describe('应采尽采建议（按 max(orderQty, clinicQty) 计算节约）；null = 已是集采药品或没有同通用名同剂型的集采药品'),
});
export type AggregationLine = z.infer<typeof aggregationLine>;

export const catalogShare = z.object({
  totalAmount: out.fen('将生成的订单总金额'),
  catalogAmount: out.fen('其中医保目录药品（甲类、乙类）金额'),
  vbpAmount: out.fen('其中集采药品金额'),
  totalItems: out.count('订单行数（药品种数）'),
  catalogItems: out.count('其中医保目录药品种数'),
  vbpItems: out.count('其中集采药品种数'),
  /** Insurance-catalog share in basis points (10000 = 100%), rounded half up. */
  amountShareBp: out.bp('医保目录药品金额占比，四舍五入；没有订单时为 10000'),
  itemShareBp: out.bp('医保目录药品种数占比，四舍五入；没有订单时为 10000'),
  thresholdBp: out.bp('警戒线（7000）'),
  belowThreshold: out.flag('有订单行且金额或种数占比低于警戒线'),
});
export type CatalogShare = z.infer<typeof catalogShare>;

export const aggregationPreview = z.object({
  /** Pass back to aggregation.create: it refuses if anything changed since this preview. */
  fingerprint: out.text('预览指纹（64 位小写十六进制 SHA-256）：原样传给 aggregation.create；之后数据有变化则生成时拒绝'),
  hubReplenishment: out.flag('本次含药库补货'),
  requisitions: z
    .array(
      z.object({
        id: out.id('请领单'),
        docNo: out.docNo('请领单号', 'QL'),
        clinicName: out.text('卫生室名称'),
        lineCount: out.count('行数'),
      }),
    )
    .describe('所选的请领单（按编号排序，去重）'),
  orders: z
    .array(
      z.object({
        supplierId: out.id('配送企业'),
        supplierName: out.text('配送企业名称'),
        totalAmount: out.fen('该企业订单总金额'),
        lines: z.array(aggregationLine).describe('订单行，按药品名'),
      }),
    )
    .describe('将生成的采购订单，每个配送企业一张'),
  /** Drugs the hub's stock and open orders already cover: nothing to order. */
  covered: z.array(aggregationLine).describe('有请领需求但库存和在途订单已足够、无需订购的药品（orderQty = 0）'),
  /** Drugs that need ordering but cannot be (no supplier or price): they block creating the orders. */
  problems: z.array(aggregationLine).describe('需要订购却无法订购的药品（见 problem）；有任何一行时 aggregation.create 拒绝'),
  share: catalogShare.describe('将生成的订单中医保目录与集采药品的占比'),
});
export type AggregationPreview = z.infer<typeof aggregationPreview>;

export const orderSummary = z.object({
  id: out.id('采购订单'),
  docNo: out.docNo('采购订单号', 'CG'),
  supplierId: out.id('配送企业'),
  supplierName: out.text('配送企业名称（订单上的快照）'),
  status: z.enum(ORDER_STATUSES).describe(`状态。${ORDER_STATUS_MEANINGS}`),
  businessDate: out.date('订单日期（汇总生成的那天）'),
  lineCount: out.count('订单行数'),
  totalAmount: out.fen('订单总金额（各行金额之和）'),
  aggregationId: out.id('来源汇总单', 'null = 不是由汇总生成').nullable(),
  aggregationDocNo: out.docNo('来源汇总单号', 'HZ', 'null = 不是由汇总生成').nullable(),
  createdByName: out.text('建单人姓名'),
  createdAt: out.instant('建立时刻'),
  sentAt: out.instant('发送时刻', 'null = 尚未发送').nullable(),
  cancelledAt: out.instant('作废时刻', 'null = 未作废').nullable(),
  shortClosedAt: out.instant('终止收货时刻', 'null = 未终止收货').nullable(),
});
export type OrderSummary = z.infer<typeof orderSummary>;

export const orderLine = drugSnapshot.extend({
  id: out.id('订单行（receipts.create 的 poLineId）'),
  lineNo: out.int('行号，从 1 开始'),
  nhsaCode: drugOut.nhsaCode,
  qty: out.qty('订购数量（整包装）'),
  packPrice: out.packPrice('合同价（生成订单时的快照）'),
  amount: out.fen('行金额 = qty × packPrice ÷ packSize，四舍五入到分'),
  receivedQty: out.qty('已收货数量（冲销入库会减回）'),
  sources: z.array(lineSource).describe('该行供应的村卫生室请领行'),
});
export type OrderLine = z.infer<typeof orderLine>;

export const orderDetail = orderSummary.extend({
  hub: z
    .object({
      name: out.text('卫生院名称'),
      address: out.text('卫生院地址；null = 未设置').nullable(),
      phone: out.text('卫生院电话；null = 未设置').nullable(),
    })
    .describe('订货方（打印在订单上）'),
  supplier: z
    .object({
      name: out.text('配送企业名称（订单上的快照）'),
      creditCode: out.text('统一社会信用代码（18 位，现在的资料）'),
      licenceNo: out.text('药品经营许可证号；null = 未填').nullable(),
      contact: out.text('联系人；null = 未填').nullable(),
      phone: out.text('电话；null = 未填').nullable(),
      address: out.text('地址；null = 未填').nullable(),
    })
    .describe('配送企业：名称为订单上的快照，其余为现在的资料'),
  note: out.text('备注（汇总时填写）；null = 无').nullable(),
  sentByName: out.text('发送人姓名；null = 尚未发送').nullable(),
  cancelReason: out.text('作废原因；null = 未作废或草稿作废未填').nullable(),
  /** 终止收货: who closed the order short, when, and why. What each line still lacked (qty − receivedQty) will never come. */
  shortClose: z
    .object({ at: out.instant('终止收货时刻'), byName: out.text('操作人姓名'), reason: out.text('终止收货原因') })
    .nullable()
    .describe('终止收货（各行未到的数量不再到货，也不再计为在途）；null = 未终止收货'),
  lines: z.array(orderLine).describe('订单行，按行号'),
  can: z
    .object({
      send: out.flag('可发送（药库管理员，草稿）'),
      cancel: out.flag('可作废（药库管理员，草稿或已发送且没有任何到货）'),
      shortClose: out.flag('可终止收货（药库管理员，部分到货的订单）'),
    })
    .describe('调用者现在能做什么；服务器在写操作时会再检查'),
});
export type OrderDetail = z.infer<typeof orderDetail>;

const selection = {
  requisitionIds: z
    .array(id)
    .max(1000, '一次最多汇总 1000 张请领单')
    .describe('要汇总的请领单（已审核、尚未汇总），0–1000 张，重复的只算一次；为空时 hubReplenishment 须为 true'),
  /** Add the hub's own replenishment (drugs below hub min are ordered up to hub max). */
  hubReplenishment: z.boolean().describe('同时为中心药库补货：低于下限的药品补到上限（见 hubNeed）'),
};

const PHARMACIST = ['pharmacist'] as const;
const HUB_READERS = ['admin', 'pharmacist', 'finance', 'director'] as const;

export const ordersApi = {
  'aggregation.preview': defineMethod({
    summary: '汇总预览：所选已审核请领单 + 药库补货（下限/上限）− 药库可用库存 − 在途订单 → 按配送企业拆分的订单行，含来源、集采替代建议与医保目录占比',
    access: PHARMACIST,
    write: false,
    input: z.object(selection),
    output: aggregationPreview,
  }),
  'aggregation.create': defineMethod({
    summary: '按预览生成汇总单与每个配送企业一张采购订单草稿（一个事务）；数据在预览后有变化时拒绝，须重新预览',
    access: PHARMACIST,
    write: true,
    input: z.object({
      ...selection,
      fingerprint: z
        .string({ error: '缺少预览标识' })
        .regex(/^[0-9a-f]{64}$/, '预览标识格式错误')
        .describe('预览标识：aggregation.preview 返回的 fingerprint（64 位小写十六进制）；同样的选择重新计算后不一致时答 409 CONFLICT，须重新预览'),
      note: about(optionalText(200, '备注'), '备注，写在汇总单和每张订单上'),
    }),
    output: z.object({
      id: out.id('汇总单'),
      docNo: out.docNo('汇总单号', 'HZ'),
      orders: z.array(orderSummary).describe('生成的采购订单草稿，每个配送企业一张'),
    }),
  }),
  'orders.list': defineMethod({
    summary: '采购订单列表（可按状态、配送企业、单号筛选）',
    access: HUB_READERS,
    write: false,
    input: z
      .object({
        status: z.array(z.enum(ORDER_STATUSES)).max(ORDER_STATUSES.length).optional().describe(`只看这些状态；省略 = 全部。${ORDER_STATUS_MEANINGS}`),
        supplierId: about(id.optional(), '只看该配送企业'),
        aggregationId: about(id.optional(), '只看该汇总单生成的订单'),
        keyword: about(text(40, '关键字').optional(), '在订单号和配送企业名称中查找（包含即可）'),
        ...paging,
      })
      .default({ page: 1, pageSize: 50 }),
    output: pageOf(orderSummary),
  }),
  'orders.get': defineMethod({
    summary: '一张采购订单：配送企业、订单行（含对应的村卫生室请领行）、金额',
    access: HUB_READERS,
    write: false,
    input: z.object({ id: about(id, '采购订单') }),
    output: orderDetail,
  }),
  'orders.send': defineMethod({
    summary: '发送采购订单（草稿 → 已发送）',
    access: PHARMACIST,
    write: true,
    input: z.object({ id: about(id, '采购订单：须是草稿') }),
    output: orderDetail,
  }),
  'orders.cancel': defineMethod({
    summary: '作废采购订单：草稿可直接作废；已发送且尚未到货的须填原因。只由作废订单供应的请领单回到待汇总',
    access: PHARMACIST,
    write: true,
    input: z.object({
      id: about(id, '采购订单：草稿，或已发送且没有任何到货'),
      reason: about(optionalText(200, '作废原因'), '作废原因：已发送的订单必填（并告知配送企业）'),
    }),
    output: orderDetail,
  }),
  'orders.shortClose': defineMethod({
    summary:
      '终止收货：部分到货的订单，配送企业不再送来其余部分时由药库关闭，须填原因。未到的数量不再计入在途（汇总不再扣减、月结不再提醒）；它本要供应、仍未配送完的请领单回到待汇总（released 为其单号）',
    access: PHARMACIST,
    write: true,
    input: z.object({
      id: about(id, '采购订单：部分到货（partly_received）'),
      reason: about(requiredText(200, '终止原因'), '为什么不再收货（如 配送企业缺货停供）'),
    }),
    output: orderDetail.extend({ released: z.array(out.text('请领单号')).describe('回到待汇总的请领单号（该订单本要供应、仍未配送完的）') }),
  }),
  'orders.export': defineMethod({
    summary: '导出采购订单为 Excel（.xlsx）',
    access: HUB_READERS,
    write: false,
    input: z.object({ id: about(id, '采购订单') }),
    output: fileContent.describe('Excel 文件：采购订单-<单号>-<配送企业>.xlsx'),
  }),
};

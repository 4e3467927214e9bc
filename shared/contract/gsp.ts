import { z } from 'zod';
import { defineMethod } from './define';
import { fileInputAbout, id, isoDate, optionalText, period, positiveQty, requiredText } from './common';
import { about, drugOut, out, valuesText } from './describe';
import {
  AREA_KIND_LABELS,
  AREA_KINDS,
  CONCLUSION_LABELS,
  LOGGER_COLUMNS,
  LOGGER_FIELDS,
  CONCLUSIONS,
  QUARANTINE_STATUS_LABELS,
  READING_SLOT_LABELS,
  READING_SLOTS,
  REJECT_REASON_LABELS,
  REJECT_REASONS,
  STORAGE_CONDITION_LABELS,
  STORAGE_CONDITIONS,
} from '../gsp';

const HUB_STOCK_ROLES = ['admin', 'pharmacist'] as const;
const HUB_READ_ROLES = ['admin', 'pharmacist', 'finance', 'director'] as const;
/** Whoever keeps a store's twice-daily log; the director (院长) only reads it. */
const RECORDER_ROLES = ['admin', 'pharmacist', 'finance', 'village_doctor'] as const;

const TENTHS = '0.1 ℃（整数，25.3 ℃ = 253）';

export const storageCondition = z.enum(STORAGE_CONDITIONS).describe(`贮藏条件。${valuesText(STORAGE_CONDITION_LABELS)}`);
export const rejectReason = z.enum(REJECT_REASONS).describe(`拒收原因。${valuesText(REJECT_REASON_LABELS)}`);
export const conclusion = z.enum(CONCLUSIONS).describe(`验收结论。${valuesText(CONCLUSION_LABELS)}`);
const quarantineStatus = z.enum(['fail', 'pending']).describe(`隔离状态。${valuesText(QUARANTINE_STATUS_LABELS)}`);
const areaKind = z.enum(AREA_KINDS).describe(`储存区类型。${valuesText(AREA_KIND_LABELS)}`);
const slot = z.enum(READING_SLOTS).describe(`时段。${valuesText(READING_SLOT_LABELS)}`);
const tenths = (what: string, more?: string) =>
  z
    .number()
    .int()
    .describe(`${what} [${TENTHS}]${more ? `；${more}` : ''}`);
const temperatureIn = z.number().int().min(-500, '温度不能低于 −50 ℃').max(600, '温度不能高于 60 ℃');
const humidityIn = z.number().int().min(0, '湿度在 0–100% 之间').max(100, '湿度在 0–100% 之间');
const clock = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式应为 HH:MM')
  .describe("时刻 'HH:MM'（中国时间，24 小时制）");

// ───────────── acceptance (part of receipts.create) ─────────────

/** The acceptance fields a receipt line takes (receipts.create). */
export const acceptanceLineInput = {
  rejectedQty: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('拒收数量 [最小单位 base units]：0 ≤ rejectedQty ≤ qty；验收合格数量 = qty − rejectedQty；拒收部分入不合格品区（隔离），不参与先到期先出'),
  rejectReason: rejectReason.optional().describe(`拒收原因：rejectedQty > 0 时必填。${valuesText(REJECT_REASON_LABELS)}`),
  rejectNote: about(optionalText(200, '拒收说明'), '拒收说明（原因为“其他”时必填）'),
  conclusion: z
    .enum(['fail', 'pending'])
    .optional()
    .describe(`有拒收时的验收结论：\`fail\` 不合格（入不合格品区）、\`pending\` 待处理（质量可疑，入待处理区）；省略 = fail；没有拒收时结论为合格`),
  arrivalTemp: temperatureIn.optional().describe(`到货温度 [${TENTHS}]：冷藏、冷冻药品必填；超出贮藏条件的范围时不能验收合格（须全部拒收，原因 cold_chain）`),
  transportRecord: about(optionalText(200, '冷链运输记录'), '冷链运输记录（车辆或保温箱、启运时间、途中温度）：冷藏、冷冻药品必填'),
};

export const acceptanceInput = z
  .object({
    deliveryNoteNo: about(optionalText(50, '随货同行单号'), '随货同行单号（医保 3503 的 dynt_no）'),
    acceptedOn: about(isoDate.optional(), '验收日期：省略 = 入库日期；不能晚于今天'),
    secondAcceptor: z
      .object({
        username: about(requiredText(50, '第二验收人用户名'), '第二验收人的用户名：另一位在职的药库管理员或系统管理员'),
        password: about(requiredText(200, '第二验收人密码'), '第二验收人的密码（当场输入，确认本人在场）'),
      })
      .optional()
      .describe('第二验收人：卫生院要求双人验收（冷藏/冷冻或特殊管理药品，见 gsp.settings）且本单有这类药品时必填'),
  })
  .default({ deliveryNoteNo: null })
  .describe('验收记录（GSP）：随货同行单号、验收日期、第二验收人；验收人 = 当前用户');

export const receiptAcceptanceOut = z.object({
  deliveryNoteNo: out.text('随货同行单号；null = 未填').nullable(),
  acceptedOn: out.date('验收日期'),
  acceptorName: out.text('验收人'),
  secondAcceptorName: out.text('第二验收人；null = 单人验收').nullable(),
});

export const lineAcceptanceOut = z.object({
  acceptedQty: out.qty('验收合格数量（入库可用）'),
  rejectedQty: out.qty('拒收数量（入不合格品区或待处理区）'),
  rejectReason: rejectReason.nullable().describe(`拒收原因；null = 没有拒收。${valuesText(REJECT_REASON_LABELS)}`),
  rejectNote: out.text('拒收说明；null = 无').nullable(),
  conclusion,
  quarantineLotId: out.id('拒收部分的隔离批次', 'null = 没有拒收').nullable(),
  storageCondition,
  arrivalTemp: tenths('到货温度', 'null = 未记录（非冷链药品）').nullable(),
  transportRecord: out.text('冷链运输记录；null = 无').nullable(),
  approvalNo: out.text('批准文号（验收时）；null = 药品资料中没有').nullable(),
});

// ───────────── acceptance records (药品验收记录) ─────────────

const acceptanceRecordRow = z.object({
  receiptId: out.id('入库单'),
  receiptDocNo: out.docNo('入库单号', 'RK'),
  receiptStatus: z.enum(['posted', 'reversed']).describe(`入库单状态。${valuesText({ posted: '已过账', reversed: '已冲销' })}`),
  supplierName: out.text('供货单位（配送企业）'),
  deliveryNoteNo: out.text('随货同行单号；null = 未填').nullable(),
  invoiceNo: out.text('发票号；null = 未填').nullable(),
  arrivedOn: out.date('到货日期（入库日期）'),
  acceptedOn: out.date('验收日期', 'null = 升级前入库，没有验收记录').nullable(),
  lineNo: out.int('入库行号'),
  drugName: drugOut.drugName,
  dosageForm: drugOut.dosageForm,
  spec: out.text('规格（验收时）'),
  manufacturer: out.text('生产企业（验收时）'),
  approvalNo: out.text('批准文号（验收时）；null = 无').nullable(),
  packUnit: drugOut.packUnit,
  baseUnit: drugOut.baseUnit,
  packSize: drugOut.packSize,
  batchNo: out.text('批号'),
  mfgDate: out.date('生产日期', 'null = 未填').nullable(),
  expiryDate: out.date('有效期至'),
  arrivedQty: out.qty('到货数量'),
  acceptedQty: out.qty('验收合格数量', 'null = 没有验收记录').nullable(),
  rejectedQty: out.qty('拒收数量', 'null = 没有验收记录').nullable(),
  rejectReason: rejectReason.nullable().describe(`拒收原因；null = 没有拒收。${valuesText(REJECT_REASON_LABELS)}`),
  rejectNote: out.text('拒收说明；null = 无').nullable(),
  conclusion: conclusion.nullable().describe(`验收结论；null = 没有验收记录。${valuesText(CONCLUSION_LABELS)}`),
  storageCondition: storageCondition.nullable().describe(`贮藏条件（验收时）；null = 没有验收记录。${valuesText(STORAGE_CONDITION_LABELS)}`),
  arrivalTemp: tenths('到货温度', 'null = 未记录').nullable(),
  transportRecord: out.text('冷链运输记录；null = 无').nullable(),
  acceptorName: out.text('验收人；null = 没有验收记录').nullable(),
  secondAcceptorName: out.text('第二验收人；null = 单人验收或没有验收记录').nullable(),
});

// ───────────── quarantine ─────────────

const disposalRow = z.object({
  kind: z.enum(['return', 'destruction']).describe(`处理方式。${valuesText({ return: '退回配送企业', destruction: '销毁' })}`),
  docId: out.id('单据：退货单（return）或报损单（destruction）'),
  docNo: out.text('单据号：TH-… 退货单或 BS-… 报损（销毁）单'),
  businessDate: out.date('处理日期（记入台账的日期）'),
  qty: out.qty('处理数量'),
  amount: out.fen('处理金额（按批次成本）'),
  supplierName: out.text('退回的配送企业；null = 销毁').nullable(),
  method: out.text('销毁方式；null = 退货').nullable(),
  place: out.text('销毁地点；null = 退货').nullable(),
  witness: out.text('监督（见证）人；null = 退货').nullable(),
  executorName: out.text('经办人'),
});

export const quarantineRow = z.object({
  lotId: out.id('隔离批次（quarantine.destroy 与 returns.create 的 lotId）'),
  storeId: out.id('所在库房（中心药库）'),
  drugId: drugOut.drugId,
  drugName: drugOut.drugName,
  spec: drugOut.spec,
  manufacturer: drugOut.manufacturer,
  packUnit: drugOut.packUnit,
  baseUnit: drugOut.baseUnit,
  packSize: drugOut.packSize,
  batchNo: out.text('批号'),
  expiryDate: out.date('有效期至'),
  supplierId: out.id('供货的配送企业', 'null = 未知').nullable(),
  supplierName: out.text('供货的配送企业；null = 未知').nullable(),
  status: quarantineStatus,
  reasonCode: out.text('原因代码：验收拒收时为拒收原因（damaged、short_expiry、batch_mismatch、cold_chain、note_mismatch、other），卫生室退回时为退货原因'),
  reasonLabel: out.text('原因（中文）'),
  reason: out.text('说明；null = 无').nullable(),
  source: z.enum(['receipt', 'return']).describe(`来源。${valuesText({ receipt: '验收拒收', return: '村卫生室退回（破损、质量问题）' })}`),
  sourceDocNo: out.text('来源单据号：RK-… 入库单或 TH-… 退货单'),
  enteredOn: out.date('入隔离区的日期（来源单据的业务日期）'),
  enteredQty: out.qty('入隔离区的数量'),
  heldQty: out.qty('仍在隔离区的数量'),
  unitCost: out.unitCost('批次成本，每最小单位'),
  createdByName: out.text('登记人'),
  disposals: z.array(disposalRow).describe('离开隔离区的记录（退货、销毁），按日期'),
});

// ───────────── temperature and humidity ─────────────

export const storageAreaRow = z.object({
  id: out.id('储存区（areaId）'),
  storeId: out.id('所属库房'),
  storeName: out.text('库房名称'),
  clinicId: out.id('所属村卫生室', 'null = 中心药库').nullable(),
  name: out.text('储存区名称，如 常温库、冷藏柜'),
  kind: areaKind,
  tempMin: tenths('温度下限'),
  tempMax: tenths('温度上限'),
  rhMin: out.int('相对湿度下限 [%]'),
  rhMax: out.int('相对湿度上限 [%]'),
  active: out.flag('启用；false = 停用（不再要求记录）'),
});

export const readingRow = z.object({
  id: out.id('记录'),
  areaId: out.id('储存区'),
  readingDate: out.date('记录日期'),
  slot,
  readAt: out.text("记录时刻 'HH:MM'（中国时间）"),
  temperature: tenths('温度'),
  humidity: out.int('相对湿度 [%]'),
  inRange: out.flag('温度与湿度都在该储存区的范围内'),
  action: out.text('超出范围时采取的措施；null = 在范围内').nullable(),
  correctsId: out.id('本行更正的记录', 'null = 不是更正').nullable(),
  correctionReason: out.text('更正原因；null = 不是更正').nullable(),
  recordedByName: out.text('记录人'),
  recordedAt: out.instant('录入时刻'),
  fromLogger: out.flag('来源：记录仪（由导入的记录仪数据填入该时段）'),
});

const slotCell = z
  .object({
    reading: readingRow.nullable().describe('该时段的有效记录（有更正时为最新的更正）；null = 未记录'),
    missed: out.flag('已过该时段而没有记录（缺记）'),
  })
  .describe('一天中的一个时段');

const issueRow = z.object({
  kind: z.enum(['out_of_range', 'missed']).describe(`事项。${valuesText({ out_of_range: '超出范围（采取措施后，等待复测正常）', missed: '缺记' })}`),
  areaId: out.id('储存区'),
  areaName: out.text('储存区名称'),
  storeName: out.text('库房名称'),
  clinicId: out.id('所属村卫生室', 'null = 中心药库').nullable(),
  readingDate: out.date('日期'),
  slot,
  detail: out.text('说明，如 温度 9.3 ℃（范围 2.0–8.0 ℃）；措施：…'),
});

export const gspSettings = z.object({
  secondAcceptor: z
    .enum(['cold_and_special', 'special', 'none'])
    .describe(`双人验收。${valuesText({ cold_and_special: '冷藏、冷冻及特殊管理药品须两人验收', special: '只有特殊管理药品须两人验收', none: '不要求' })}`),
  amTime: about(clock, '上午记录时间：过了这个时刻（加 2 小时宽限）仍无记录即为缺记'),
  pmTime: about(clock, '下午记录时间：过了这个时刻（加 2 小时宽限）仍无记录即为缺记'),
});

// ───────────── logger import ─────────────

const LOGGER_FILE_BYTES = 64 * 1024 * 1024;
const LOGGER_FIELD_TEXT = valuesText(Object.fromEntries(LOGGER_COLUMNS.map((c) => [c.field, `${c.label}（${c.aliases.slice(0, 4).join('、')}）`])));
export const loggerField = z.enum(LOGGER_FIELDS).describe(`记录仪文件的字段。${LOGGER_FIELD_TEXT}`);
export const loggerMapping = z
  .partialRecord(loggerField, z.number().int().min(1).max(16_384).nullable())
  .describe('列映射 { 字段: 列号 }，列号 1 = A 列；measuredAt（时间）、temperature（温度）、humidity（湿度）都必须映射；一列只能对应一个字段');
export type LoggerMapping = z.infer<typeof loggerMapping>;

const loggerSource = {
  areaId: about(id, '卫生院的储存区（记录仪所在的库房或冷藏柜）'),
  file: fileInputAbout('记录仪导出的文件：CSV（UTF-8 或 GBK）、Excel（.xlsx、.xls）或 OpenDocument，最大 64 MiB'),
  mapping: about(loggerMapping.optional(), '省略 = 按表头自动识别（时间/记录时间/time、温度/temperature、湿度/humidity）'),
};

const loggerIssue = z.object({
  sheet: out.text('工作表名称'),
  row: out.int('行号，与 Excel 中显示的一致'),
  column: out.text('列：如“B 列（温度）”'),
  reason: out.text('原因（中文）'),
});

const loggerSlotRow = z.object({
  readingDate: out.date('日期'),
  slot,
  measuredAt: out.text("采用的读数的时刻 'YYYY-MM-DD HH:MM'（中国时间）"),
  temperature: tenths('温度'),
  humidity: out.int('相对湿度 [%]'),
  inRange: out.flag('温度与湿度都在该储存区的范围内'),
  status: z
    .enum(['fill', 'needsAction', 'taken'])
    .describe(
      `该时段的结果。${valuesText({ fill: '填入（该时段尚无记录）', needsAction: '超出范围：须写明采取的措施才填入', taken: '该时段已有记录，不变' })}`,
    ),
});

const loggerPreview = z.object({
  areaId: out.id('储存区'),
  areaName: out.text('储存区名称'),
  format: out.text('读出的文件格式，如 CSV 文本'),
  sheet: out.text('导入的工作表'),
  headerRow: out.int('表头所在的行号'),
  mapping: about(loggerMapping, '使用的列映射（未给 mapping 时为按表头自动识别的结果）'),
  missingRequired: z.array(loggerField).describe('必须映射而未找到的字段'),
  columns: z
    .array(
      z.object({
        index: out.int('列号，1 = A 列'),
        letter: out.text('列字母'),
        header: out.text('表头文字'),
        field: loggerField.nullable().describe(`对应的字段；null = 不导入。${LOGGER_FIELD_TEXT}`),
        samples: z.array(z.string()).describe('该列前 3 行的内容'),
      }),
    )
    .describe('表头的每一列'),
  totalRows: out.count('表头下的数据行'),
  newRows: out.count('将导入的新读数'),
  knownRows: out.count('已导入过、不变的读数（同一文件再导入一次时全部是这种）'),
  errorRows: out.count('有错误的行'),
  outOfRangeRows: out.count('超出储存区范围的读数'),
  firstAt: out.text("最早的读数时刻 'YYYY-MM-DD HH:MM'；null = 没有").nullable(),
  lastAt: out.text("最晚的读数时刻 'YYYY-MM-DD HH:MM'；null = 没有").nullable(),
  errors: z.array(loggerIssue).describe('错误明细（行、列、原因），最多 2000 条'),
  slots: z.array(loggerSlotRow).describe('每个上午/下午时段将采用的读数（最接近记录时间、±2 小时内），按日期与时段'),
});

const loggerImportResult = z.object({
  importId: out.id('导入记录', 'null = 文件中没有新的读数、也没有要填入的时段，什么也没有改动').nullable(),
  added: out.count('新导入的读数'),
  known: out.count('已导入过、未改动的读数'),
  skippedRows: out.count('有错误而未导入的行（只导入无错误的行时）'),
  slotsFilled: out.count('由记录仪读数填入的温湿度记录（时段）'),
  awaitingAction: z.array(loggerSlotRow).describe('超出范围而没有写明措施、因此未填入的时段：请写明措施后再导入同一文件，或手工记录'),
});

export const gspApi = {
  'gsp.settings': defineMethod({
    summary: 'GSP 设置：双人验收的范围、每天两次温湿度记录的时间',
    access: 'authenticated',
    write: false,
    input: z.object({}).default({}),
    output: gspSettings,
  }),
  'gsp.saveSettings': defineMethod({
    summary: '修改 GSP 设置（记审计日志）',
    access: HUB_STOCK_ROLES,
    write: true,
    input: gspSettings,
    output: gspSettings,
  }),
  'gsp.setDrugStorage': defineMethod({
    summary: '设置药品的贮藏条件与是否特殊管理（验收、配送与温湿度要求据此判断）',
    access: HUB_STOCK_ROLES,
    write: true,
    input: z.object({
      drugId: about(id, '药品'),
      storageCondition,
      specialControl: z.boolean().describe('特殊管理药品（麻醉、精神、医疗用毒性药品等）'),
    }),
    output: z.object({ drugId: drugOut.drugId, storageCondition, specialControl: out.flag('特殊管理药品') }),
  }),
  'gsp.acceptanceRecords': defineMethod({
    summary: '药品验收记录：一张入库单，或一个月的全部入库行（打印用）',
    access: HUB_READ_ROLES,
    write: false,
    input: z
      .object({
        receiptId: about(id.optional(), '只看这张入库单'),
        period: about(period.optional(), '一个月（按到货日期）'),
      })
      .refine((v) => (v.receiptId === undefined) !== (v.period === undefined), { message: '请给出入库单或月份（只能一个）', path: ['period'] })
      .describe('receiptId 与 period 恰好给出一个'),
    output: z.array(acceptanceRecordRow).describe('入库行，按到货日期、入库单、行号'),
  }),

  'quarantine.list': defineMethod({
    summary: '不合格品区与待处理区：隔离批次、来源、仍在区内的数量及处理记录（不合格药品处理记录）',
    access: HUB_READ_ROLES,
    write: false,
    input: z
      .object({
        period: about(period.optional(), '只看该月入隔离区或在该月处理过的批次；省略 = 仍有数量在隔离区的批次'),
      })
      .default({}),
    output: z.array(quarantineRow).describe('隔离批次，按入区日期'),
  }),
  'quarantine.destroy': defineMethod({
    summary: '销毁隔离区的药品：报损出库（台账）并记录销毁方式、地点与监督人',
    access: HUB_STOCK_ROLES,
    write: true,
    input: z.object({
      lines: z
        .array(z.object({ lotId: about(id, '隔离批次（quarantine.list）'), qty: about(positiveQty, '销毁数量：不超过仍在隔离区的数量') }))
        .min(1, '请选择要销毁的药品')
        .max(200)
        .describe('销毁的隔离批次，1–200 行'),
      method: about(requiredText(100, '销毁方式'), '销毁方式，如 焚烧、交有资质单位处理'),
      place: about(requiredText(100, '销毁地点'), '销毁地点'),
      witness: about(requiredText(100, '监督人'), '监督（见证）人姓名，不能是经办人本人'),
      businessDate: about(isoDate.optional(), '销毁日期（记入台账）：省略 = 今天'),
      note: about(optionalText(200, '备注'), '备注'),
    }),
    output: z.object({ writeoffId: out.id('报损（销毁）单'), docNo: out.docNo('报损单号', 'BS'), totalAmount: out.fen('销毁金额（按批次成本）') }),
  }),

  'storage.areas': defineMethod({
    summary: '储存区（常温库、阴凉库、冷藏柜）及温湿度范围；村医只看到本室的',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({ storeId: about(id.optional(), '只看该库房') }).default({}),
    output: z.array(storageAreaRow).describe('中心药库在前，其后按卫生室编码、名称'),
  }),
  'storage.saveArea': defineMethod({
    summary: '新建或修改储存区（名称、类型、温湿度范围、启用）',
    access: HUB_STOCK_ROLES,
    write: true,
    input: z
      .object({
        id: about(id.optional(), '修改该储存区；省略 = 新建'),
        storeId: about(id, '库房：中心药库或某村卫生室库房（不能是在途库房）'),
        name: about(requiredText(30, '储存区名称'), '储存区名称，同一库房内不重复'),
        kind: areaKind,
        tempMin: about(temperatureIn, `温度下限 [${TENTHS}]`),
        tempMax: about(temperatureIn, `温度上限 [${TENTHS}]，大于 tempMin`),
        rhMin: about(humidityIn, '相对湿度下限 [%]'),
        rhMax: about(humidityIn, '相对湿度上限 [%]，大于 rhMin'),
        active: z.boolean().default(true).describe('启用'),
      })
      .refine((v) => v.tempMin < v.tempMax, { message: '温度上限应高于下限', path: ['tempMax'] })
      .refine((v) => v.rhMin < v.rhMax, { message: '湿度上限应高于下限', path: ['rhMax'] })
      .describe('tempMin < tempMax，rhMin < rhMax'),
    output: storageAreaRow,
  }),
  'storage.record': defineMethod({
    summary: '记录一次温湿度（只增不改：更正是一条指向原记录的新记录）；超出范围须填写采取的措施',
    access: RECORDER_ROLES,
    write: true,
    clinicScoped: true,
    input: z.object({
      areaId: about(id, '储存区；村医只能是本室的'),
      readingDate: about(isoDate.optional(), '日期：省略 = 今天；不能晚于今天，最多补记 7 天内的'),
      slot: slot.optional().describe(`时段：省略 = 按现在的时刻（13:00 前为上午）。${valuesText(READING_SLOT_LABELS)}`),
      temperature: about(temperatureIn, `温度 [${TENTHS}]`),
      humidity: about(humidityIn, '相对湿度 [%]'),
      action: about(optionalText(200, '采取措施'), '采取的措施：超出范围时必填（否则答 422 VALIDATION）'),
      correctsId: about(id.optional(), '更正这条记录（同一储存区、日期与时段，尚未被更正）'),
      correctionReason: about(optionalText(200, '更正原因'), '更正原因：更正时必填'),
    }),
    output: readingRow,
  }),
  'storage.log': defineMethod({
    summary: '一个储存区一个月的温湿度记录表：每天上午、下午的有效记录与缺记（打印用）',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({ areaId: about(id, '储存区；村医只能是本室的'), period: about(period, '月份') }),
    output: z.object({
      area: storageAreaRow.describe('储存区（及其范围）'),
      days: z.array(z.object({ date: out.date('日期'), am: slotCell, pm: slotCell })).describe('该月每一天（到今天为止），按日期'),
      corrections: z.array(readingRow).describe('被更正的原记录（保留备查）'),
      outOfRange: out.count('超出范围的有效记录数'),
      missed: out.count('缺记的时段数'),
    }),
  }),
  'storage.today': defineMethod({
    summary: '今天的温湿度：每个储存区上午、下午是否已记录，及 7 天内未复测正常的超范围与缺记',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({ clinicId: about(id.optional(), '只看该卫生室；村医总是本室') }).default({}),
    output: z.object({
      date: out.date('今天'),
      currentSlot: slot.describe(`现在的时段。${valuesText(READING_SLOT_LABELS)}`),
      areas: z.array(storageAreaRow.extend({ am: slotCell, pm: slotCell })).describe('启用的储存区，中心药库在前'),
      issues: z.array(issueRow).describe('近 7 天待处理的事项：超出范围且之后还没有正常的记录、缺记'),
    }),
  }),
  'storage.loggerPreview': defineMethod({
    summary:
      '导入温湿度记录仪数据的预览（卫生院储存区）：识别列（时间、温度、湿度）、逐行检查、统计新增/已导入，并列出每个上午/下午时段将采用的读数。不修改数据',
    access: HUB_STOCK_ROLES,
    write: false,
    maxBodyBytes: LOGGER_FILE_BYTES,
    maxUploadBytes: LOGGER_FILE_BYTES,
    input: z.object(loggerSource),
    output: loggerPreview,
  }),
  'storage.loggerImport': defineMethod({
    summary:
      '导入温湿度记录仪数据：保存每一行读数（只增不改；同一文件再导入一次不改动任何数据），并把最接近各时段记录时间（±2 小时内）的读数记为该时段尚无记录的温湿度记录（来源：记录仪）；超出范围的须在 actions 中写明采取的措施，否则该时段不填、在结果中列出',
    access: HUB_STOCK_ROLES,
    write: true,
    maxBodyBytes: LOGGER_FILE_BYTES,
    maxUploadBytes: LOGGER_FILE_BYTES,
    input: z.object({
      ...loggerSource,
      mode: z
        .enum(['all', 'cleanRowsOnly'])
        .default('all')
        .describe(`导入方式。${valuesText({ all: '有任何错误行则整个文件不导入（422 VALIDATION，消息指明行和列）', cleanRowsOnly: '只导入无错误的行' })}`),
      actions: z
        .array(
          z.object({
            readingDate: about(isoDate, '日期'),
            slot,
            action: about(requiredText(200, '采取措施'), '对该时段超出范围的读数采取的措施'),
          }),
        )
        .max(200)
        .default([])
        .describe('超出范围的时段读数所采取的措施（按日期与时段）；没有措施的超范围时段不填入温湿度记录'),
    }),
    output: loggerImportResult,
  }),
  'storage.loggerImports': defineMethod({
    summary: '记录仪数据的导入记录：文件名、导入人、时间、新增与已导入过（跳过）的读数、填入的时段；新的在前',
    access: HUB_STOCK_ROLES,
    write: false,
    input: z
      .object({
        areaId: about(id.optional(), '只看该储存区；省略 = 全部'),
        limit: z.number().int().min(1).max(500).default(50).describe('最多返回的导入记录数，1–500'),
      })
      .default({ limit: 50 }),
    output: z
      .array(
        z.object({
          id: out.id('导入记录'),
          areaId: out.id('储存区'),
          areaName: out.text('储存区名称'),
          fileName: out.text('导入的文件名'),
          rowsNew: out.count('新增的读数'),
          rowsKnown: out.count('已导入过、因此跳过的读数'),
          slotsFilled: out.count('由这次导入填入的温湿度记录（时段）'),
          importedByName: out.text('导入人'),
          importedAt: out.instant('导入时刻'),
        }),
      )
      .describe('导入记录，新的在前'),
  }),
};

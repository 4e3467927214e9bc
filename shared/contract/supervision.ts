import { z } from 'zod';
import { defineMethod } from './define';
import { fileContent, id, isoDate, ok, period, requiredText, text } from './common';
import { MOVEMENTS } from '../stock';
import { RULE_KEYS, RULE_TITLES } from '../supervision';
import { MOVEMENT_LABELS } from '../stock';
import { about, drugOut, out, valuesText } from './describe';

/** Supervision is the hub's: the director and finance read it, the pharmacist and admin also tune it. Village doctors do not see it. */
const READ_ROLES = ['admin', 'pharmacist', 'finance', 'director'] as const;
const TUNE_ROLES = ['admin', 'pharmacist'] as const;

const int = z.number().int();
export const ruleKey = z.enum(RULE_KEYS, { error: '未知的规则' }).describe(`异常规则。${valuesText(RULE_TITLES)}`);

const dateRange = {
  from: about(isoDate, '开始日期（含）'),
  to: about(isoDate, '结束日期（含），不早于 from；晚于今天时按今天'),
};
const refineRange = <T extends { from: string; to: string }>(v: T, ctx: z.RefinementCtx) => {
  if (v.from > v.to) ctx.addIssue({ code: 'custom', path: ['to'], message: '结束日期不能早于开始日期' });
};
const periodRange = {
  from: about(period, '第一个月'),
  to: about(period, '最后一个月，不早于 from，最多 120 个月；本月只算到今天'),
  clinicId: about(id.optional(), '只看该卫生室（采购口径改为配送到该室）；省略 = 全乡'),
};
const PERIOD_RULES = 'from ≤ to';
const refinePeriods = <T extends { from: string; to: string }>(v: T, ctx: z.RefinementCtx) => {
  if (v.from > v.to) ctx.addIssue({ code: 'custom', path: ['to'], message: '结束月份不能早于开始月份' });
};

export const ruleParam = z.object({
  key: out.text('参数代码（supervision.setThresholds 的 values 的键），如 minQty'),
  label: out.text('参数名称（中文）'),
  unit: out.text("单位：'' 无单位，或 '最小单位'、'分'、'%'、'倍'、'周'、'月'、'次'、'条'、'天'、'个'"),
  min: z.number().describe('允许的最小值'),
  max: z.number().describe('允许的最大值'),
  integer: out.flag('只能是整数'),
  default: z.number().describe('默认值'),
  value: z.number().describe('当前生效的值（未修改时等于默认值）'),
});

export const ruleInfo = z.object({
  key: ruleKey,
  title: out.text('规则名称'),
  description: out.text('规则说明（中文，代入了当前阈值）'),
  params: z.array(ruleParam).describe('可调阈值'),
});

export const signalNumber = z.object({
  label: out.text('数字的名称'),
  value: z.number().nullable().describe('数值（unit 为 fen 时是分）；null = 无法计算'),
  unit: out.text("单位：'' 无单位，'fen' 分，或 '最小单位'、'%'、'倍' 等"),
});

export const signalDrug = z.object({
  id: drugOut.drugId,
  name: out.text('通用名'),
  spec: drugOut.spec,
  packSize: drugOut.packSize,
  packUnit: drugOut.packUnit,
  baseUnit: drugOut.baseUnit,
});

export const signalDismissal = z.object({
  id: out.id('排除记录'),
  note: out.text('核实说明'),
  severity: z.number().describe('排除时的严重程度数值（信号的 severity 超过它时信号重新出现）'),
  dismissedByName: out.text('排除人姓名'),
  dismissedAt: out.instant('排除时刻'),
});

const signalStatusLabels = { open: '待核实', dismissed: '已排除', reopened: '排除后数字变坏，重新出现' };

export const signalRow = z.object({
  fingerprint: out.text("信号编号：'<规则>:<卫生室 id>:<药品 id-药品 id>:<周一日期 YYYY-MM-DD 或月份 YYYY-MM>'，同一情形总是同一编号"),
  ruleKey,
  ruleTitle: out.text('规则名称'),
  clinicId: out.id('村卫生室'),
  clinicCode: out.text('卫生室编码'),
  clinicName: out.text('卫生室名称'),
  storeId: out.id('卫生室库房'),
  drugs: z.array(signalDrug).describe('涉及的药品（串换嫌疑：先是用量异常的药，再是盘亏的药）'),
  periodFrom: out.date('信号所属的周或月的第一天'),
  periodTo: out.date('信号所属的周或月的最后一天'),
  summary: out.text('一句话说明（中文，含数字）'),
  numbers: z.array(signalNumber).describe('触发信号的数字'),
  severity: z.number().describe('严重程度：规则的主要数字，情形越严重越大'),
  ledgerCount: out.count('背后的台账行'),
  status: z.enum(['open', 'dismissed', 'reopened']).describe(`状态。${valuesText(signalStatusLabels)}`),
  lastDismissal: signalDismissal.nullable().describe('最近一次排除；null = 从未排除'),
});

export const ledgerRow = z.object({
  id: out.id('台账流水号'),
  businessDate: out.date('业务日期'),
  storeId: out.id('库房'),
  storeName: out.text('库房名称'),
  drugId: drugOut.drugId,
  drugName: drugOut.drugName,
  spec: drugOut.spec,
  packSize: drugOut.packSize,
  packUnit: drugOut.packUnit,
  baseUnit: drugOut.baseUnit,
  movement: z.enum(MOVEMENTS).describe(`收发类型。${valuesText(MOVEMENT_LABELS)}`),
  qty: out.qty('变动数量，带符号'),
  amount: out.fen('变动金额，带符号'),
  docType: out.text("来源单据类型：'receipt'、'delivery'、'dispensing'、'return'、'writeoff'、'stocktake'"),
  docId: out.id('来源单据'),
  docNo: out.text('单据号；用药登记为处方号、就诊号或 登记#<id>；null = 无').nullable(),
  batchNo: out.text('批号'),
  userName: out.text('记账人姓名'),
  createdAt: out.instant('记账时刻'),
});

const period_ = out.period('月份');
const shareFigures = {
  amount: out.fen('采购金额（basis 为 receipts 时是中心库入库，deliveries 时是配送到卫生室）'),
  catalogAmount: out.fen('其中医保目录（甲类、乙类）药品金额'),
  items: out.count('药品种数'),
  catalogItems: out.count('其中医保目录药品种数'),
};
const vbpFigures = {
  amount: out.fen('采购金额'),
  vbpAmount: out.fen('其中集采药品金额'),
  savings: out.fen('集采节约 =（集采前参考价 − 实际价）× 数量，只计有参考价的'),
  withoutReference: out.count('没有集采前参考价、未计节约的集采药品组（药品 × 月）'),
};
const clinicHead = { clinicId: out.id('村卫生室'), clinicCode: out.text('卫生室编码'), clinicName: out.text('卫生室名称') };

export const dashboard = z.object({
  from: out.period('第一个月'),
  to: out.period('最后一个月'),
  /** Basis of purchase figures: the hub's receipts (all clinics) or the deliveries to one clinic. */
  factMonths: z.array(period_).describe('区间中取自月结数据的月份（已结账：结账时一次算好并保存）；其余月份（本月、尚无月结数据的月份）按台账实时计算'),
  basis: z.enum(['receipts', 'deliveries']).describe(`采购口径。${valuesText({ receipts: '全乡：中心库验收入库', deliveries: '单个卫生室：配送到该室' })}`),
  insurance: z
    .object({
      months: z.array(z.object({ period: period_, ...shareFigures })).describe('按月'),
      clinics: z.array(z.object({ ...clinicHead, ...shareFigures })).describe('按卫生室（配送口径）'),
      total: z.object(shareFigures).describe('区间合计'),
    })
    .describe('医保目录药品占比（目标 ≥ 70%）'),
  vbp: z
    .object({
      months: z.array(z.object({ period: period_, ...vbpFigures })).describe('按月'),
      clinics: z.array(z.object({ ...clinicHead, ...vbpFigures })).describe('按卫生室（配送口径）'),
      total: z.object(vbpFigures).describe('区间合计'),
    })
    .describe('集采药品占比与节约金额'),
  stockouts: z
    .object({
      from: out.date('统计的第一天'),
      to: out.date('统计的最后一天（不晚于今天）'),
      clinics: z
        .array(
          z.object({
            ...clinicHead,
            storeId: out.id('卫生室库房'),
            formularyDrugs: out.count('常用药品：前 90 天内用过的药品'),
            drugsOut: out.count('其中断过货的药品'),
            stockoutDays: out.count('断货天数合计（药品 × 天：当天日终结存为零）'),
          }),
        )
        .describe('按卫生室'),
    })
    .describe('断货天数'),
  nearExpiry: z
    .object({
      before: out.date('近效期截止日：今天 + 180 天'),
      stores: z
        .array(
          z.object({
            storeId: out.id('库房'),
            storeName: out.text('库房名称'),
            clinicId: out.id('村卫生室', 'null = 中心药库').nullable(),
            lots: out.count('近效期（含已过期）批次'),
            value: out.fen('这些批次的结存金额'),
            expiredValue: out.fen('其中已过期的金额'),
          }),
        )
        .describe('有近效期批次的库房（不含在途）'),
    })
    .describe('近效期库存（现在的，不随月份区间）'),
  consumption: z
    .object({
      months: z.array(z.object({ period: period_, clinicId: out.id('村卫生室'), amount: out.fen('用药金额') })).describe('按月、按卫生室（只列有用药的）'),
      clinics: z.array(z.object({ ...clinicHead, storeId: out.id('卫生室库房'), amount: out.fen('区间用药金额') })).describe('按卫生室'),
      topDrugs: z
        .array(
          z.object({
            drugId: drugOut.drugId,
            name: out.text('通用名'),
            spec: drugOut.spec,
            amount: out.fen('区间用药金额'),
            qty: out.qty('区间用药数量'),
            baseUnit: drugOut.baseUnit,
          }),
        )
        .describe('用药金额前十的药品'),
    })
    .describe('用药金额（成本价）'),
  accuracy: z
    .object({
      months: z
        .array(
          z.object({
            period: period_,
            countedLines: out.count('各卫生室审核过账的盘点行'),
            matchedLines: out.count('其中相符的行'),
            matchRateBp: out.bp('账实相符率', 'null = 没有盘点行').nullable(),
          }),
        )
        .describe('按月（各卫生室合计）'),
      stores: z
        .array(
          z.object({
            storeId: out.id('库房'),
            storeName: out.text('库房名称'),
            clinicId: out.id('村卫生室', 'null = 中心药库').nullable(),
            stocktakes: out.count('审核过账的盘点'),
            countedLines: out.count('盘点行'),
            matchedLines: out.count('相符的行'),
            matchRateBp: out.bp('账实相符率', 'null = 没有盘点行').nullable(),
            shortageAmount: out.fen('盘亏金额'),
          }),
        )
        .describe('按库房（同 stocktakes.accuracy）'),
    })
    .describe('抽查账实相符率'),
  signals: z
    .object({
      open: out.count('区间内未排除的异常信号'),
      byRule: z.array(z.object({ key: ruleKey, title: out.text('规则名称'), open: out.count('未排除的信号') })).describe('按规则'),
    })
    .describe('异常信号'),
  storageLog: z
    .object({
      from: out.date('统计的第一天'),
      to: out.date('统计的最后一天（不晚于今天；今天的时段不计缺记）'),
      clinics: z
        .array(
          z.object({
            ...clinicHead,
            areaCount: out.count('启用的储存区'),
            hasFridge: out.flag('有启用的冷藏柜'),
            outOfRange: out.count('超出范围的有效记录'),
            missed: out.count('缺记的时段（每个储存区每天上午、下午）'),
            months: z
              .array(
                z.object({
                  period: out.period('月份'),
                  outOfRange: out.count('超出范围的有效记录'),
                  missed: out.count('缺记的时段'),
                  areas: z
                    .array(
                      z.object({
                        areaId: out.id('储存区（storage.log 的 areaId）'),
                        areaName: out.text('储存区名称'),
                        outOfRange: out.count('超出范围的有效记录'),
                        missed: out.count('缺记的时段'),
                      }),
                    )
                    .describe('按储存区：明细见 storage.log（该储存区该月的记录表）'),
                }),
              )
              .describe('按月'),
          }),
        )
        .describe('按卫生室编码'),
    })
    .describe('温湿度记录：各卫生室每月超出范围与缺记的次数'),
});

export const DRILL_FIGURES = ['insurance', 'vbp', 'stockout', 'nearExpiry', 'consumption', 'accuracy'] as const;

const NOT_APPLICABLE = 'null = 该指标的明细没有此项';

export const drillRow = z.object({
  key: out.text('行的唯一键（同一结果内不重复）'),
  date: out.date('日期：单据日期、效期、首个断货日或过账日期', NOT_APPLICABLE).nullable(),
  docLabel: out.text(`单据号或说明；${NOT_APPLICABLE}`).nullable(),
  /** An app route that shows the document (or the stock card). */
  link: out.text(`界面中显示该单据或库存台账的页面路径；${NOT_APPLICABLE}`).nullable(),
  clinicCode: out.text('卫生室编码；null = 中心药库或不适用').nullable(),
  storeName: out.text(`库房名称；${NOT_APPLICABLE}`).nullable(),
  storeId: out.id('库房', NOT_APPLICABLE).nullable(),
  drugId: out.id('药品', NOT_APPLICABLE).nullable(),
  drugName: out.text(`通用名；${NOT_APPLICABLE}`).nullable(),
  spec: out.text(`规格；${NOT_APPLICABLE}`).nullable(),
  qty: out.qty('数量', NOT_APPLICABLE).nullable(),
  packSize: out.int(`转换比；${NOT_APPLICABLE}`).nullable(),
  packUnit: out.text(`包装单位；${NOT_APPLICABLE}`).nullable(),
  baseUnit: out.text(`最小单位；${NOT_APPLICABLE}`).nullable(),
  amount: out.fen('金额（盘点为盘亏金额）', NOT_APPLICABLE).nullable(),
  tags: z.array(z.string()).describe('标签，如 甲类、集采、已过期、抽查'),
  note: out.text('说明，如 节约金额、断货日期段、相符行数；null = 无').nullable(),
});

/** Which rows a dashboard figure drills into: what supervision.drilldown shows and supervision.drilldownExport writes. */
const drillInput = z
  .object({
    figure: z
      .enum(DRILL_FIGURES, { error: '未知的指标' })
      .describe(
        `指标。${valuesText({ insurance: '医保目录占比：采购或配送行', vbp: '集采：采购或配送行（含节约）', stockout: '断货：药品', nearExpiry: '近效期：批次', consumption: '用药：药品', accuracy: '账实相符：盘点单' })}`,
      ),
    ...periodRange,
    /** One month of the range ('YYYY-MM'), when a bar or point was clicked. */
    period: about(period.optional(), '只看区间中的这个月（点击柱或点时）'),
    storeId: about(id.optional(), '只看该库房（nearExpiry、consumption、accuracy）'),
    /** insurance: only catalog (true) or only non-catalog (false) lines; vbp: only 集采 lines (true). */
    flag: z.boolean().optional().describe('insurance：true 只看目录内、false 只看目录外；vbp：true 只看集采；省略 = 全部'),
  })
  .superRefine(refinePeriods)
  .describe(PERIOD_RULES);

export const schedule = z.object({
  clinicId: out.id('村卫生室'),
  clinicCode: out.text('卫生室编码'),
  clinicName: out.text('卫生室名称'),
  restWeekdays: z.array(int).describe('每周休息日：ISO 星期 1 = 周一 … 7 = 周日，升序'),
  holidays: z.array(z.object({ date: out.date('节假日'), name: out.text('名称；null = 未填').nullable() })).describe('节假日，按日期'),
  updatedAt: out.instant('最近设置时刻', 'null = 从未设置（休息日用药规则不评估该室）').nullable(),
});

export const supervisionApi = {
  'supervision.dashboard': defineMethod({
    summary: '三保看板：医保目录占比、集采占比与节约金额、断货天数、近效期金额、用药趋势、账实相符率（按月、按卫生室）',
    access: READ_ROLES,
    write: false,
    input: z.object(periodRange).superRefine(refinePeriods).describe(PERIOD_RULES),
    output: dashboard,
  }),
  'supervision.drilldown': defineMethod({
    summary: '看板数字的明细：单据行、批次或药品（带库存台账和单据链接）',
    access: READ_ROLES,
    write: false,
    input: drillInput,
    output: z.object({
      title: out.text('明细标题（中文）'),
      rows: z.array(drillRow).describe('明细行，最多 2000 行'),
      truncated: out.flag('多于 2000 行，只返回了前 2000 行'),
    }),
  }),
  'supervision.rules': defineMethod({
    summary: '异常信号规则：说明（代入当前阈值）与可调阈值',
    access: READ_ROLES,
    write: false,
    input: z.object({}).strict().default({}),
    output: z.array(ruleInfo).describe('每条规则一项'),
  }),
  'supervision.setThresholds': defineMethod({
    summary: '修改一条规则的阈值（留空的参数恢复默认值），记入审计日志',
    access: TUNE_ROLES,
    write: true,
    input: z.object({
      ruleKey,
      values: z
        .record(text(40, '参数名'), z.number({ error: '阈值必须是数字' }).nullable())
        .describe('参数代码 → 新值：须在该参数的 min–max 内（integer 参数须是整数）；null = 恢复默认值；未列出的参数不变'),
    }),
    output: ruleInfo,
  }),
  'supervision.signals': defineMethod({
    summary: '在一个期间内运行异常规则：每条信号带规则、数字和台账行数；已排除的默认不显示',
    access: READ_ROLES,
    write: false,
    input: z
      .object({
        ...dateRange,
        clinicId: about(id.optional(), '只看该卫生室'),
        ruleKey: about(ruleKey.optional(), '只运行这条规则；省略 = 全部规则'),
        status: z
          .enum(['active', 'dismissed', 'all'])
          .default('active')
          .describe(`筛选。${valuesText({ active: '未排除的（open 和 reopened）', dismissed: '已排除的', all: '全部' })}`),
      })
      .superRefine(refineRange)
      .describe('from ≤ to'),
    output: z.object({
      rows: z.array(signalRow).describe('信号，结束日期新的在前，再按卫生室编码'),
      rules: z.array(z.object({ key: ruleKey, title: out.text('规则名称'), count: out.count('本次结果中该规则的信号') })).describe('每条规则一项'),
    }),
  }),
  'supervision.signal': defineMethod({
    summary: '一条异常信号：规则说明、数字、用药历史和背后的台账行（带单据号）',
    access: READ_ROLES,
    write: false,
    input: z.object({ fingerprint: about(text(120, '信号编号').min(1, '缺少信号编号'), '信号编号（signalRow.fingerprint）') }),
    output: z.object({
      signal: signalRow.describe('信号'),
      rule: ruleInfo.describe('规则'),
      dismissals: z.array(signalDismissal).describe('全部排除记录，旧的在前'),
      ledger: z.array(ledgerRow).describe('背后的台账行，按业务日期'),
      /** Weekly dispensing of the signal's first drug at the clinic, with the signal's weeks marked. */
      history: z
        .array(
          z.object({
            weekStart: out.date('周一'),
            qty: out.qty('该周用药数量（净）'),
            marked: out.flag('属于信号的周'),
          }),
        )
        .describe('第一个药品在该室到信号结束为止 16 周的每周用药；没有药品时为空'),
    }),
  }),
  'supervision.dismiss': defineMethod({
    summary: '排除一条异常信号：必须写明核实情况；记录人、时间和当时的数字，数字变坏时信号重新出现',
    access: TUNE_ROLES,
    write: true,
    input: z.object({
      fingerprint: about(text(120, '信号编号').min(1, '缺少信号编号'), '信号编号；已排除且数字没有变坏时答 409 INVALID_STATE'),
      note: about(requiredText(500, '排除说明').min(4, '排除说明至少 4 个字，请写明核实情况'), '核实说明，至少 4 个字'),
    }),
    output: ok,
  }),
  'supervision.schedules': defineMethod({
    summary: '各村卫生室的休息日和节假日（休息日用药规则按此判断）',
    access: READ_ROLES,
    write: false,
    input: z.object({}).strict().default({}),
    output: z.array(schedule).describe('每个启用的卫生室一项，按编码'),
  }),
  'supervision.setSchedule': defineMethod({
    summary: '设置一个村卫生室的每周休息日和节假日',
    access: TUNE_ROLES,
    write: true,
    input: z.object({
      clinicId: about(id, '村卫生室'),
      restWeekdays: z
        .array(z.number().int().min(1, '星期应为 1–7').max(7, '星期应为 1–7'))
        .max(7)
        .default([])
        .describe('每周休息日：ISO 星期 1 = 周一 … 7 = 周日；重复的只算一次；整体替换'),
      holidays: z
        .array(
          z.object({
            date: about(isoDate, '节假日'),
            name: about(
              text(40, '节假日名称')
                .nullish()
                .transform((v) => v || null),
              '名称；省略、null 或空白 = 不填',
            ),
          }),
        )
        .max(366, '节假日最多 366 天')
        .default([])
        .describe('节假日，最多 366 个；整体替换原有的'),
    }),
    output: schedule,
  }),
  'supervision.drilldownExport': defineMethod({
    summary: '导出看板明细为 Excel（.xlsx）：与 supervision.drilldown 相同的指标、期间、卫生室和库房，含标题、筛选行、合计与签字行（最多 2000 行）',
    access: READ_ROLES,
    write: false,
    input: drillInput,
    output: fileContent.describe('Excel 文件：<明细标题>-<开始月>至<结束月>.xlsx'),
  }),
};

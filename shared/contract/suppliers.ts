import { z } from 'zod';
import { defineMethod } from './define';
import { id, optionalText, requiredText, unitPrice } from './common';
import { creditCodeProblem, normalizeCreditCode } from '../creditCode';
import { about, drugOut, out } from './describe';

const HUB_ROLES = ['admin', 'pharmacist', 'finance', 'director'] as const;
const EDITORS = ['admin', 'pharmacist'] as const;

/** 统一社会信用代码: normalised, then the GB 32100-2015 structure and check character. */
export const creditCode = z
  .string({ error: '请填写统一社会信用代码' })
  .transform(normalizeCreditCode)
  .superRefine((v, ctx) => {
    const problem = creditCodeProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('统一社会信用代码：去空白、转大写后 18 位（数字和除 I、O、Z、S、V 外的大写字母），按 GB 32100-2015 校验末位；全系统唯一');

export const supplierRow = z.object({
  id: out.id('配送企业'),
  name: out.text('企业名称'),
  creditCode: out.text('统一社会信用代码（18 位）'),
  licenceNo: out.text('药品经营许可证号；null = 未填').nullable(),
  contact: out.text('联系人；null = 未填').nullable(),
  phone: out.text('电话；null = 未填').nullable(),
  address: out.text('地址；null = 未填').nullable(),
  active: out.flag('启用；false = 已停用（不能再设合同价或作默认配送企业）'),
  /** Active contract prices. */
  priceCount: out.count('有效的合同价'),
  /** Drugs that name this supplier as their default. */
  defaultForCount: out.count('以它为默认配送企业的药品'),
  createdAt: out.instant('建立时刻'),
  updatedAt: out.instant('最近修改时刻'),
});
export type SupplierRow = z.infer<typeof supplierRow>;

const supplierFields = {
  name: about(requiredText(100, '企业名称'), '企业名称，全系统唯一'),
  creditCode,
  licenceNo: about(optionalText(50, '药品经营许可证号'), '药品经营许可证号'),
  contact: about(optionalText(30, '联系人'), '联系人'),
  phone: about(optionalText(30, '电话'), '电话'),
  address: about(optionalText(120, '地址'), '地址'),
};

/** One contract price: which supplier delivers which drug at what price per pack. */
export const supplierPriceRow = z.object({
  supplierId: out.id('配送企业'),
  supplierName: out.text('企业名称'),
  supplierActive: out.flag('企业启用中'),
  drugId: drugOut.drugId,
  nhsaCode: drugOut.nhsaCode,
  genericName: out.text('通用名'),
  tradeName: out.text('商品名；null = 无').nullable(),
  dosageForm: drugOut.dosageForm,
  spec: drugOut.spec,
  packUnit: drugOut.packUnit,
  baseUnit: drugOut.baseUnit,
  packSize: drugOut.packSize,
  manufacturer: drugOut.manufacturer,
  drugActive: out.flag('药品启用中'),
  vbp: drugOut.vbp,
  /** The drug's winning price per pack (micro-yuan), to compare with. */
  vbpPrice: out.packPrice('药品的中选价格（对照用）', 'null = 无').nullable(),
  /** Contract price per pack, micro-yuan. */
  packPrice: out.packPrice('合同价'),
  active: out.flag('合同价有效；false = 不再供应'),
  /** This supplier is the drug's default supplier. */
  isDefault: out.flag('该企业是这个药品的默认配送企业'),
  updatedAt: out.instant('合同价最近修改时刻'),
});
export type SupplierPriceRow = z.infer<typeof supplierPriceRow>;

export const suppliersApi = {
  'suppliers.list': defineMethod({
    summary: '配送企业列表（可含已停用）',
    access: HUB_ROLES,
    write: false,
    input: z.object({ includeInactive: z.boolean().default(false).describe('包括已停用的企业') }).default({ includeInactive: false }),
    output: z.array(supplierRow).describe('启用的在前，再按名称拼音'),
  }),
  'suppliers.get': defineMethod({
    summary: '一个配送企业的资料',
    access: HUB_ROLES,
    write: false,
    input: z.object({ id: about(id, '配送企业') }),
    output: supplierRow,
  }),
  'suppliers.create': defineMethod({
    summary: '新增配送企业（统一社会信用代码按 GB 32100-2015 校验）',
    access: EDITORS,
    write: true,
    input: z.object(supplierFields),
    output: supplierRow,
  }),
  'suppliers.update': defineMethod({
    summary: '修改配送企业资料或停用',
    access: EDITORS,
    write: true,
    input: z.object({ id: about(id, '配送企业'), active: z.boolean().describe('启用；false = 停用'), ...supplierFields }),
    output: supplierRow,
  }),
  'suppliers.prices': defineMethod({
    summary: '合同价列表：某配送企业供应的药品，或某药品由哪些企业供应',
    access: HUB_ROLES,
    write: false,
    input: z
      .object({
        supplierId: about(id.optional(), '该企业的合同价'),
        drugId: about(id.optional(), '该药品的合同价'),
        includeInactive: z.boolean().default(false).describe('包括已失效的合同价和已停用企业的合同价'),
      })
      .refine((v) => v.supplierId !== undefined || v.drugId !== undefined, '请指定配送企业或药品')
      .describe('supplierId 与 drugId 至少填一个；两个都填时只看这一对'),
    output: z.array(supplierPriceRow).describe('有效的在前，再按企业名称拼音、通用名'),
  }),
  'suppliers.setPrices': defineMethod({
    summary: '设置配送企业的合同价（元/包装，按百万分之一元存储）；按药品新增或更新，active=false 表示不再供应',
    access: EDITORS,
    write: true,
    input: z.object({
      supplierId: about(id, '配送企业（须启用）'),
      prices: z
        .array(
          z.object({
            drugId: about(id, '药品；一次提交中只能出现一次'),
            packPrice: about(unitPrice, '合同价，每包装单位'),
            active: z.boolean().default(true).describe('有效；false = 不再供应（没有旧价格时忽略该行）'),
          }),
        )
        .min(1, '请至少填写一个药品的价格')
        .max(5000, '一次最多设置 5000 个价格')
        .describe('1–5000 个价格，按药品新增或更新；没有列出的药品不变'),
    }),
    output: z.object({
      changed: out.count('新增或修改的价格'),
      unchanged: out.count('与原来相同、或无需新建的价格'),
    }),
  }),
};

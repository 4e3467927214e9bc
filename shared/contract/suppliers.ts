import { z } from 'zod';
import { defineMethod } from './define';
import { id, optionalText, requiredText, unitPrice } from './common';
import { creditCodeProblem, normalizeCreditCode } from '../creditCode';

const HUB_ROLES = ['admin', 'pharmacist', 'finance'] as const;
const EDITORS = ['admin', 'pharmacist'] as const;

/** 统一社会信用代码: normalised, then the GB 32100-2015 structure and check character. */
export const creditCode = z
  .string({ error: '请填写统一社会信用代码' })
  .transform(normalizeCreditCode)
  .superRefine((v, ctx) => {
    const problem = creditCodeProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const supplierRow = z.object({
  id: z.number().int(),
  name: z.string(),
  creditCode: z.string(),
  licenceNo: z.string().nullable(),
  contact: z.string().nullable(),
  phone: z.string().nullable(),
  address: z.string().nullable(),
  active: z.boolean(),
  /** Active contract prices. */
  priceCount: z.number().int(),
  /** Drugs that name this supplier as their default. */
  defaultForCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SupplierRow = z.infer<typeof supplierRow>;

const supplierFields = {
  name: requiredText(100, '企业名称'),
  creditCode,
  licenceNo: optionalText(50, '药品经营许可证号'),
  contact: optionalText(30, '联系人'),
  phone: optionalText(30, '电话'),
  address: optionalText(120, '地址'),
};

/** One contract price: which supplier delivers which drug at what price per pack. */
export const supplierPriceRow = z.object({
  supplierId: z.number().int(),
  supplierName: z.string(),
  supplierActive: z.boolean(),
  drugId: z.number().int(),
  nhsaCode: z.string(),
  genericName: z.string(),
  tradeName: z.string().nullable(),
  dosageForm: z.string(),
  spec: z.string(),
  packUnit: z.string(),
  baseUnit: z.string(),
  packSize: z.number().int(),
  manufacturer: z.string(),
  drugActive: z.boolean(),
  vbp: z.boolean(),
  /** The drug's winning price per pack (micro-yuan), to compare with. */
  vbpPrice: z.number().int().nullable(),
  /** Contract price per pack, micro-yuan. */
  packPrice: z.number().int(),
  active: z.boolean(),
  /** This supplier is the drug's default supplier. */
  isDefault: z.boolean(),
  updatedAt: z.string(),
});
export type SupplierPriceRow = z.infer<typeof supplierPriceRow>;

export const suppliersApi = {
  'suppliers.list': defineMethod({
    summary: '配送企业列表（可含已停用）',
    access: HUB_ROLES,
    write: false,
    input: z.object({ includeInactive: z.boolean().default(false) }).default({ includeInactive: false }),
    output: z.array(supplierRow),
  }),
  'suppliers.get': defineMethod({
    summary: '一个配送企业的资料',
    access: HUB_ROLES,
    write: false,
    input: z.object({ id }),
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
    input: z.object({ id, active: z.boolean(), ...supplierFields }),
    output: supplierRow,
  }),
  'suppliers.prices': defineMethod({
    summary: '合同价列表：某配送企业供应的药品，或某药品由哪些企业供应',
    access: HUB_ROLES,
    write: false,
    input: z
      .object({ supplierId: id.optional(), drugId: id.optional(), includeInactive: z.boolean().default(false) })
      .refine((v) => v.supplierId !== undefined || v.drugId !== undefined, '请指定配送企业或药品'),
    output: z.array(supplierPriceRow),
  }),
  'suppliers.setPrices': defineMethod({
    summary: '设置配送企业的合同价（元/包装，按百万分之一元存储）；按药品新增或更新，active=false 表示不再供应',
    access: EDITORS,
    write: true,
    input: z.object({
      supplierId: id,
      prices: z
        .array(z.object({ drugId: id, packPrice: unitPrice, active: z.boolean().default(true) }))
        .min(1, '请至少填写一个药品的价格')
        .max(5000, '一次最多设置 5000 个价格'),
    }),
    output: z.object({ changed: z.number().int(), unchanged: z.number().int() }),
  }),
};

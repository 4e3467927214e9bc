import { z } from 'zod';
import { defineMethod } from './define';
import { id, optionalText, requiredText } from './common';
import { about, out } from './describe';

export const clinicCode = z
  .string({ error: '请填写卫生室编码' })
  .trim()
  .min(1, '请填写卫生室编码')
  .max(20, '卫生室编码不能超过 20 个字符')
  .regex(/^[A-Za-z0-9-]+$/, '卫生室编码只能包含字母、数字和减号')
  .describe('卫生室编码：1–20 个字母、数字或减号，全系统唯一；列表按它排序');

export const clinicRow = z.object({
  id: out.id('村卫生室'),
  code: out.text('卫生室编码'),
  name: out.text('卫生室名称'),
  village: out.text('所在村；null = 未填').nullable(),
  address: out.text('地址；null = 未填').nullable(),
  phone: out.text('电话；null = 未填').nullable(),
  active: out.flag('启用；false = 已停用（历史单据保留，不能再绑定村医）'),
  storeId: out.id('本室库房（stock.* 方法的 storeId）'),
  doctorCount: out.count('绑定本室的启用村医'),
});
export type ClinicRow = z.infer<typeof clinicRow>;

const clinicFields = {
  code: clinicCode,
  name: about(requiredText(60, '卫生室名称'), '卫生室名称（库房随之改名）'),
  village: about(optionalText(60, '所在村'), '所在村'),
  address: about(optionalText(120, '地址'), '地址'),
  phone: about(optionalText(20, '电话'), '电话'),
};

export const clinicsApi = {
  'clinics.list': defineMethod({
    summary: '村卫生室列表；村医只看到本室',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({ includeInactive: z.boolean().default(false).describe('包括已停用的卫生室；村医无论如何只得到本室') }).default({ includeInactive: false }),
    output: z.array(clinicRow),
  }),
  'clinics.get': defineMethod({
    summary: '一个村卫生室的资料；村医只能查看本室',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({ id: about(id, '村卫生室；村医只能是本室，否则 403 FORBIDDEN_CLINIC') }),
    output: clinicRow,
  }),
  'clinics.create': defineMethod({
    summary: '新建村卫生室（同时建立其在中心药库账上的库房）',
    access: ['admin'],
    write: true,
    input: z.object(clinicFields),
    output: clinicRow,
  }),
  'clinics.update': defineMethod({
    summary: '修改村卫生室资料或停用',
    access: ['admin'],
    write: true,
    input: z.object({ id: about(id, '村卫生室'), active: z.boolean().describe('启用；false = 停用'), ...clinicFields }),
    output: clinicRow,
  }),
};

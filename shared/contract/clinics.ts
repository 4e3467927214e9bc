import { z } from 'zod';
import { defineMethod } from './define';
import { id, optionalText, requiredText } from './common';

export const clinicCode = z
  .string({ error: '请填写卫生室编码' })
  .trim()
  .min(1, '请填写卫生室编码')
  .max(20, '卫生室编码不能超过 20 个字符')
  .regex(/^[A-Za-z0-9-]+$/, '卫生室编码只能包含字母、数字和减号');

export const clinicRow = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  village: z.string().nullable(),
  address: z.string().nullable(),
  phone: z.string().nullable(),
  active: z.boolean(),
  storeId: z.number().int(),
  doctorCount: z.number().int(),
});
export type ClinicRow = z.infer<typeof clinicRow>;

const clinicFields = {
  code: clinicCode,
  name: requiredText(60, '卫生室名称'),
  village: optionalText(60, '所在村'),
  address: optionalText(120, '地址'),
  phone: optionalText(20, '电话'),
};

export const clinicsApi = {
  'clinics.list': defineMethod({
    summary: '村卫生室列表；村医只看到本室',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({ includeInactive: z.boolean().default(false) }).default({ includeInactive: false }),
    output: z.array(clinicRow),
  }),
  'clinics.get': defineMethod({
    summary: '一个村卫生室的资料；村医只能查看本室',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({ id }),
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
    input: z.object({ id, active: z.boolean(), ...clinicFields }),
    output: clinicRow,
  }),
};

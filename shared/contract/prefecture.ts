import { z } from 'zod';
import { defineMethod } from './define';
import { fileContent, optionalText, period } from './common';
import { countyCode, hubCode, submitAnswer } from '../prefecture/package';

/** 上报地市: the hub sends each closed month to the county/prefecture server (docs/prefecture-package.md). */
const READ_ROLES = ['admin', 'pharmacist', 'finance'] as const;
const SEND_ROLES = ['admin', 'pharmacist'] as const;

export const prefectureSettingsOut = z.object({
  hubCode: z.string().nullable(),
  countyCode: z.string().nullable(),
  serverUrl: z.string().nullable(),
  hasServerCa: z.boolean(),
  serverCaPem: z.string().nullable().describe('服务器 HTTPS 证书所链接的专网根证书（PEM，公开内容），未设置为 null；保存设置时原样带回，否则被清除'),
  /** The hub's Ed25519 public key (DER SPKI, base64), for the prefecture administrator to enrol. */
  publicKey: z.string(),
  keyId: z.string(),
});

export const sendRecordOut = z.object({
  period: z.string(),
  version: z.number().int(),
  at: z.string(),
  target: z.enum(['server', 'file']),
  userName: z.string(),
  attempts: z.number().int(),
  bytes: z.number().int(),
  answer: submitAnswer.nullable(),
  error: z.string().nullable(),
});

const serverUrl = z
  .string()
  .trim()
  .max(300, '地址过长')
  .refine((s) => /^https?:\/\/[^\s/]+/.test(s), '上报服务器地址应以 https:// 开头，例如 https://10.1.2.3:8443')
  .nullable();

export const prefectureApi = {
  'prefecture.settings': defineMethod({
    summary: '上报地市设置：本院编码、县区代码、上报服务器地址，以及本院的签名公钥（交地市管理员登记）',
    access: ['admin'],
    write: false,
    input: z.object({}).strict().default({}),
    output: prefectureSettingsOut,
  }),
  'prefecture.saveSettings': defineMethod({
    summary: '保存上报地市设置（本院编码、县区代码、服务器地址与可选的根证书）',
    access: ['admin'],
    write: true,
    input: z.object({
      hubCode: hubCode.nullable(),
      countyCode: countyCode.nullable(),
      serverUrl,
      serverCaPem: optionalText(20_000, '根证书'),
    }),
    output: prefectureSettingsOut,
  }),
  'prefecture.months': defineMethod({
    summary: '已结账月份的上报情况：版本、每次发送或导出的时间、结果与服务器的答复',
    access: READ_ROLES,
    write: false,
    input: z.object({}).strict().default({}),
    output: z.object({
      configured: z.boolean(),
      rows: z.array(z.object({ period: z.string(), version: z.number().int(), closedAt: z.string(), sends: z.array(sendRecordOut) })),
    }),
  }),
  'prefecture.export': defineMethod({
    summary: '把已结账月份的上报包导出为文件（.stpkg，经签名），用于没有网络时用U盘报送',
    access: SEND_ROLES,
    write: false,
    input: z.object({ period }),
    output: fileContent,
  }),
  'prefecture.send': defineMethod({
    summary: '把已结账月份的上报包发送到地市服务器（失败自动重试；同一版本重复发送不会重复入库）',
    access: SEND_ROLES,
    write: true,
    input: z.object({ period }),
    output: sendRecordOut,
  }),
};

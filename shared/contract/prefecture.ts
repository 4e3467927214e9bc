import { z } from 'zod';
import { defineMethod } from './define';
import { fileContent, optionalText, period } from './common';
import { countyCode, hubCode, submitAnswer } from '../prefecture/package';
import { out, valuesText } from './describe';

/** 上报地市: the hub sends each closed month to the county/prefecture server (docs/prefecture-package.md). */
const READ_ROLES = ['admin', 'pharmacist', 'finance', 'director'] as const;
const SEND_ROLES = ['admin', 'pharmacist'] as const;

const SEND_TARGET_LABELS = { server: '发送到地市服务器', file: '导出为文件（U盘报送）' };
const OUTCOME_LABELS = { accepted: '已入库', replaced: '已替换旧版本', unchanged: '与已入库的同一版本相同，未变', refused: '被拒收（见 code 与 message）' };

/** The server's answer as the hub shows it, every field described for docs/api.md. */
const answerOut = z
  .object({
    outcome: submitAnswer.shape.outcome.describe(`服务器的结论；${valuesText(OUTCOME_LABELS)}`),
    code: out.text('服务器的答复代码（机器可读，如 OK、SIGNATURE_INVALID）'),
    message: out.text('服务器的答复说明（中文）'),
    hubCode: z.string().nullable().describe('服务器认出的卫生院编码；null = 未能认出（如签名不符）'),
    period: z.string().nullable().describe("服务器认出的会计期间 'YYYY-MM'；null = 未能读出"),
    version: z.number().nullable().describe('服务器认出的上报包版本（同一月份重新结账后加 1）；null = 未能读出'),
    receivedAt: z.string().nullable().describe('服务器收到的时刻 [ISO 8601 时刻 UTC]；null = 被拒收时未记录'),
  })
  .nullable()
  .describe('服务器的答复；null = 没有答复（导出为文件，或网络不通、重试用尽，见 error）');

export const prefectureSettingsOut = z.object({
  hubCode: z.string().nullable().describe('本院编码（地市医保局登记时分配，2–32 位字母、数字或短横线）；null = 尚未填写'),
  countyCode: z.string().nullable().describe('县区代码（6 位行政区划代码，如 411621）；null = 尚未填写'),
  serverUrl: z.string().nullable().describe('上报服务器地址（https://…）；null = 未设置，只能导出文件用U盘报送'),
  hasServerCa: out.flag('是否设置了专网根证书'),
  serverCaPem: z.string().nullable().describe('服务器 HTTPS 证书所链接的专网根证书（PEM，公开内容），未设置为 null；保存设置时原样带回，否则被清除'),
  publicKey: out.text('本院的签名公钥（Ed25519，DER SPKI 的 base64），交地市管理员登记'),
  keyId: out.text('公钥指纹（SHA-256 的前 16 位十六进制），登记时核对用'),
});

export const sendRecordOut = z.object({
  period: out.period('上报的会计期间'),
  version: out.int('上报包版本（同一月份每次结账为一个版本，重新结账后加 1）'),
  at: out.instant('发送或导出的时刻'),
  target: z.enum(['server', 'file']).describe(`去向；${valuesText(SEND_TARGET_LABELS)}`),
  userName: out.text('操作人姓名'),
  attempts: out.count('发送尝试次数（失败自动重试，间隔加倍）'),
  bytes: out.count('上报包大小（字节，gzip 压缩后）'),
  answer: answerOut,
  error: z.string().nullable().describe('发送失败的原因（中文）；null = 没有失败'),
  builtFrom: z
    .enum(['facts', 'live'])
    .nullable()
    .describe(
      `上报包的数据来源（清单的 builtFrom）；${valuesText({ facts: '取自结账时固化的月度数据，重发同一版本内容不变', live: '结账数据尚未生成完，按当时的台账实时计算' })}；null = 早于记录来源的发送`,
    ),
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
      hubCode: hubCode.nullable().describe('本院编码（地市医保局登记时分配，2–32 位字母、数字或短横线）；null = 清除'),
      countyCode: countyCode.nullable().describe('县区代码（6 位行政区划代码，如 411621）；null = 清除'),
      serverUrl: serverUrl.describe('上报服务器地址（https://…，最多 300 字）；null = 不用网络发送，只导出文件'),
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
      configured: out.flag('本院编码和县区代码是否都已填写（未填写时不能发送或导出）'),
      rows: z
        .array(
          z.object({
            period: out.period('已结账的会计期间'),
            version: out.int('该月当前的上报包版本（每次结账为一个版本）'),
            closedAt: out.instant('本版本结账的时刻'),
            sends: z.array(sendRecordOut).describe('该月每次发送或导出，新的在前'),
          }),
        )
        .describe('已结账的月份，新的在前（最多 120 个月）'),
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

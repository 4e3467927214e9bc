import { z } from 'zod';
import { defineMethod } from './define';
import { DEFAULT_LAN_PORT } from '../security';

export { DEFAULT_LAN_PORT };

/** A DNS name a clinic may use to reach the hub (e.g. one the township router hands out). */
export const hostname = z
  .string({ error: '域名必须是文字' })
  .trim()
  .toLowerCase()
  .max(100, '域名不能超过 100 个字符')
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, '域名只能包含字母、数字、点和减号，如 santong.lan');

export const lanSettings = z.object({
  enabled: z.boolean({ error: '请选择是否开启局域网访问' }),
  port: z
    .number({ error: '端口必须是数字' })
    .int('端口必须是整数')
    .min(1024, '端口应在 1024–65535 之间')
    .max(65535, '端口应在 1024–65535 之间'),
  https: z.boolean({ error: '请选择是否使用 HTTPS' }),
  /**
   * Names other than this PC's name and IP addresses that browsers may use to reach it. Requests naming
   * any other host are refused (DNS rebinding); the HTTPS certificate covers these names too.
   */
  hostnames: z.array(hostname).max(10, '最多 10 个域名').default([]),
});
export type LanSettings = z.infer<typeof lanSettings>;

export const lanStatus = z.object({
  settings: lanSettings,
  /** False when this server was started from the command line (`npm run serve`): its flags decide, not the settings. */
  managedHere: z.boolean(),
  running: z.boolean(),
  /** Addresses village doctors type into their browsers. */
  urls: z.array(z.string()),
  /** Why the LAN server is not running although enabled (e.g. the port is taken). */
  error: z.string().nullable(),
  certificate: z
    .object({
      /** SHA-256 fingerprint of the hub's own certificate authority, to compare when a clinic installs it. */
      caFingerprint: z.string(),
      caValidTo: z.string(),
      /** Null until HTTPS is first turned on (the CA can exist alone, e.g. downloaded in advance). */
      serverValidTo: z.string().nullable(),
      /** Names and addresses the server certificate is valid for. */
      names: z.array(z.string()),
    })
    .nullable(),
});
export type LanStatus = z.infer<typeof lanStatus>;

/** 记账规则: how far back a posting may be dated (补录). */
export const postingRules = z.object({
  /** Days a business date may lie before the day it is recorded (0: today only). Default 7. */
  maxBackdateDays: z
    .number({ error: '补录期限必须是数字' })
    .int('补录期限必须是整数天')
    .min(0, '补录期限不能为负数')
    .max(90, '补录期限不能超过 90 天'),
});
export type PostingRules = z.infer<typeof postingRules>;

export const systemApi = {
  'system.postingRules': defineMethod({
    summary: '记账规则：业务日期最多可以早于记账当天多少天（补录期限，默认 7 天）',
    access: 'authenticated',
    write: false,
    input: z.object({}).strict().default({}),
    output: postingRules,
  }),
  'system.updatePostingRules': defineMethod({
    summary: '修改补录期限（天）：早于期限的业务日期一律拒绝；已反结账的月份不受此限',
    access: ['admin', 'pharmacist'],
    write: true,
    input: postingRules,
    output: postingRules,
  }),
  'system.lanStatus': defineMethod({
    summary: '局域网访问：设置（是否开启、端口、HTTPS）、运行状态、供村医使用的访问地址和证书信息',
    access: ['admin'],
    write: false,
    input: z.object({}).strict().default({}),
    output: lanStatus,
  }),
  'system.updateLanSettings': defineMethod({
    summary: '修改局域网访问设置；桌面版随即按新设置启动、重启或停止局域网服务',
    access: ['admin'],
    write: true,
    input: lanSettings,
    output: lanSettings,
  }),
  'system.caCertificate': defineMethod({
    summary: '下载卫生院的根证书（PEM），供村卫生室的电脑和手机安装信任后使用 HTTPS 访问',
    access: ['admin'],
    write: false,
    input: z.object({}).strict().default({}),
    output: z.object({ filename: z.string(), pem: z.string(), fingerprint: z.string() }),
  }),
};

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

export const systemApi = {
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

import { z } from 'zod';
import { defineMethod } from './define';
import { emptyInput } from './common';
import { DEFAULT_LAN_PORT } from '../security';
import { out } from './describe';

export { DEFAULT_LAN_PORT };

/** A DNS name a clinic may use to reach the hub (e.g. one the township router hands out). */
export const hostname = z
  .string({ error: '域名必须是文字' })
  .trim()
  .toLowerCase()
  .max(100, '域名不能超过 100 个字符')
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, '域名只能包含字母、数字、点和减号，如 santong.lan')
  .describe('域名，如 santong.lan：转为小写，最多 100 个字符，字母、数字、点和减号');

export const lanSettings = z.object({
  enabled: z.boolean({ error: '请选择是否开启局域网访问' }).describe('开启局域网访问（村卫生室的浏览器经局域网/VPN 访问本机）'),
  port: z
    .number({ error: '端口必须是数字' })
    .int('端口必须是整数')
    .min(1024, '端口应在 1024–65535 之间')
    .max(65535, '端口应在 1024–65535 之间')
    .describe(`局域网服务端口，1024–65535（默认 ${DEFAULT_LAN_PORT}）`),
  https: z.boolean({ error: '请选择是否使用 HTTPS' }).describe('使用 HTTPS（卫生院自建根证书签发的服务器证书；各村设备须先信任根证书）'),
  /**
   * Names other than this PC's name and IP addresses that browsers may use to reach it. Requests naming
   * any other host are refused (DNS rebinding); the HTTPS certificate covers these names too.
   */
  hostnames: z
    .array(hostname)
    .max(10, '最多 10 个域名')
    .default([])
    .describe('除本机名和 IP 地址外，浏览器可用来访问本机的域名（最多 10 个）；请求其他主机名一律拒绝（防 DNS 重绑定），HTTPS 证书也包含这些名字'),
});
export type LanSettings = z.infer<typeof lanSettings>;

export const lanStatus = z.object({
  settings: lanSettings.describe('保存的局域网设置'),
  /** False when this server was started from the command line (`npm run serve`): its flags decide, not the settings. */
  managedHere: out.flag('局域网服务由本程序按设置管理；false = 从命令行启动（npm run serve），由命令行参数决定，设置不起作用'),
  running: out.flag('局域网服务正在运行'),
  /** Addresses village doctors type into their browsers. */
  urls: z.array(z.string()).describe('村医在浏览器中输入的访问地址，如 https://192.168.1.10:8686/'),
  /** Why the LAN server is not running although enabled (e.g. the port is taken). */
  error: out.text('已开启却没有运行的原因（如端口被占用）；null = 没有问题').nullable(),
  certificate: z
    .object({
      /** SHA-256 fingerprint of the hub's own certificate authority, to compare when a clinic installs it. */
      caFingerprint: out.text('卫生院根证书的 SHA-256 指纹（大写十六进制，冒号分隔），村里安装证书时核对'),
      caValidTo: out.instant('根证书到期时刻'),
      /** Null until HTTPS is first turned on (the CA can exist alone, e.g. downloaded in advance). */
      serverValidTo: out.instant('服务器证书到期时刻', 'null = 尚未开启过 HTTPS（根证书可先单独生成和下载）').nullable(),
      /** Names and addresses the server certificate is valid for. */
      names: z.array(z.string()).describe('服务器证书包含的主机名和 IP 地址'),
      /** The CA's name constraints: the only names and address ranges any certificate it signs may carry. */
      caLimitedTo: z
        .array(z.string())
        .nullable()
        .describe('根证书只能为这些名称（含其子域名）和地址段签发证书，如 local、192.168.0.0/16；null = 旧版本生成的根证书，没有名称限制'),
      /** Names this PC answers to that fall outside the CA's constraints and are therefore left out of the server certificate. */
      namesOutsideCa: z.array(z.string()).describe('本机名称或地址中根证书无权担保的（不写入服务器证书，村里用这些名称访问会报证书错误）；空 = 没有'),
    })
    .nullable()
    .describe('证书信息；null = 尚未生成根证书'),
});
export type LanStatus = z.infer<typeof lanStatus>;

/** 记账规则: how far back a posting may be dated (补录). */
export const postingRules = z.object({
  /** Days a business date may lie before the day it is recorded (0: today only). Default 7. */
  maxBackdateDays: z
    .number({ error: '补录期限必须是数字' })
    .int('补录期限必须是整数天')
    .min(0, '补录期限不能为负数')
    .max(90, '补录期限不能超过 90 天')
    .describe('补录期限（天）：业务日期最多可以早于记账当天多少天；0 = 只能记当天；默认 7。已反结账的月份不受此限，冲销沿用原业务日期'),
});
export type PostingRules = z.infer<typeof postingRules>;

export const systemApi = {
  'system.postingRules': defineMethod({
    summary: '记账规则：业务日期最多可以早于记账当天多少天（补录期限，默认 7 天）',
    access: 'authenticated',
    write: false,
    input: emptyInput,
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
    output: z.object({
      filename: out.text('建议的文件名 santong-ca.crt'),
      pem: out.text('根证书，PEM 文本（-----BEGIN CERTIFICATE----- …）'),
      fingerprint: out.text('根证书的 SHA-256 指纹（大写十六进制，冒号分隔）'),
    }),
  }),
};

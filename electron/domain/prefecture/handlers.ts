/** 上报地市 handlers: settings, the closed months with what was sent, export to a file, send to the server. */
import type { HandlerContext } from '../context';
import { defineHandlers } from '../context';
import { sql } from '../../db/database';
import { assertStoresBookVisible } from '../stocktake/blind';
import { AppError } from '../../errors';
import type { ParsedInput } from '../../../shared/contract';
import { packageFileName } from '../../../shared/prefecture/package';
import { periodLabel } from '../../../shared/settlement';
import { closeVersion, type HubSigner } from './build';
import { loadOrCreateHubKey } from './key';
import { sendPackage } from './send';
import {
  appendSendRecord,
  configuredSigner,
  readPrefectureSettings,
  readSendRecords,
  serverSendRecord,
  writePrefectureSettings,
  type SendRecord,
} from './settings';

const dataDirOf = (ctx: HandlerContext) => ctx.hub.dataDir;

function settingsOut(ctx: HandlerContext) {
  const s = readPrefectureSettings(dataDirOf(ctx));
  const key = loadOrCreateHubKey(dataDirOf(ctx));
  return {
    hubCode: s.hubCode,
    countyCode: s.countyCode,
    serverUrl: s.serverUrl,
    hasServerCa: Boolean(s.serverCaPem),
    serverCaPem: s.serverCaPem,
    publicKey: key.publicKeyBase64,
    keyId: key.keyId,
  };
}

function signerOf(ctx: HandlerContext): HubSigner {
  const signer = configuredSigner(dataDirOf(ctx), ctx.db);
  if (!signer) throw new AppError('BUSINESS_RULE', '请先由管理员在“上报地市”中填写本院编码和县区代码（由地市医保局登记时分配）');
  return signer;
}

/**
 * The package carries every store's closing balances (the close's snapshot): like the 3501 export, it cannot
 * be built for someone counting a store blind until the count is over. Built on the long-read worker: seconds of
 * reading, hashing and compressing on a ten-year hub that the villages must not wait for.
 */
async function buildBytes(ctx: HandlerContext, period: string) {
  assertStoresBookVisible(ctx, 'all', '导出或发送上报包：上报包含各库房月末结存');
  const built = await ctx.workerRead('prefecture.packageBytes', { period, signer: signerOf(ctx) });
  // From the worker the bytes arrive as a Uint8Array (structured clone): a Buffer over the same memory.
  return { manifest: built.manifest, bytes: Buffer.from(built.bytes.buffer, built.bytes.byteOffset, built.bytes.byteLength) };
}

function months(ctx: HandlerContext) {
  const s = readPrefectureSettings(dataDirOf(ctx));
  const closed = sql(ctx.db, "SELECT period FROM periods WHERE status = 'closed' ORDER BY period DESC LIMIT 120").all() as { period: string }[];
  const sends = readSendRecords(dataDirOf(ctx));
  return {
    configured: Boolean(s.hubCode && s.countyCode),
    rows: closed.map(({ period }) => ({ period, ...closeVersion(ctx.db, period), sends: sends.filter((r) => r.period === period).reverse() })),
  };
}

export const prefectureHandlers = defineHandlers({
  'prefecture.settings': (ctx) => settingsOut(ctx),
  'prefecture.saveSettings': (ctx, input: ParsedInput<'prefecture.saveSettings'>) => {
    writePrefectureSettings(dataDirOf(ctx), {
      hubCode: input.hubCode,
      countyCode: input.countyCode,
      serverUrl: input.serverUrl,
      serverCaPem: input.serverCaPem,
    });
    ctx.audit.target = 'prefecture:settings';
    ctx.audit.details = { hubCode: input.hubCode, countyCode: input.countyCode, serverUrl: input.serverUrl };
    return settingsOut(ctx);
  },
  'prefecture.months': (ctx) => months(ctx),
  'prefecture.export': {
    async: async (ctx, input: ParsedInput<'prefecture.export'>) => {
      const { manifest, bytes } = await buildBytes(ctx, input.period);
      appendSendRecord(dataDirOf(ctx), {
        period: input.period,
        version: manifest.version,
        at: ctx.now.toISOString(),
        target: 'file',
        userName: ctx.user.displayName,
        attempts: 1,
        bytes: bytes.length,
        answer: null,
        error: null,
        builtFrom: manifest.builtFrom ?? null,
      });
      return { filename: packageFileName(manifest.hub.code, input.period, manifest.version), base64: bytes.toString('base64') };
    },
  },
  'prefecture.send': {
    // Building and the network round trips happen before the write transaction; the transaction only audits.
    prepare: async (ctx, input: ParsedInput<'prefecture.send'>) => {
      const s = readPrefectureSettings(dataDirOf(ctx));
      if (!s.serverUrl) throw new AppError('BUSINESS_RULE', '尚未设置上报服务器地址：没有网络时请用“导出文件”，用U盘报送');
      const { manifest, bytes } = await buildBytes(ctx, input.period);
      const result = await sendPackage(s.serverUrl, bytes, { caPem: s.serverCaPem });
      const record = serverSendRecord({ period: input.period, manifest, bytes: bytes.length, at: ctx.now, userName: ctx.user.displayName }, result);
      appendSendRecord(dataDirOf(ctx), record);
      return record;
    },
    run: (ctx, input, record: SendRecord) => {
      ctx.audit.target = `period:${input.period}`;
      ctx.audit.details = { version: record.version, outcome: record.answer?.outcome ?? 'failed', attempts: record.attempts, label: periodLabel(input.period) };
      return record;
    },
  },
});

import { defineHandlers } from '../context';
import { describeCertificate, caCertificatePem, CA_FILE_NAME } from '../../lib/certificate';
import { readLanHostnames, readLanSettings, writeLanSettings } from './lan-settings';
import crypto from 'node:crypto';
import { maxBackdateDays, setMaxBackdateDays } from '../stock/backdating';

export const systemHandlers = defineHandlers({
  'system.postingRules': (ctx) => ({ maxBackdateDays: maxBackdateDays(ctx.db) }),

  'system.updatePostingRules': (ctx, input) => {
    const before = maxBackdateDays(ctx.db);
    setMaxBackdateDays(ctx.db, input.maxBackdateDays);
    ctx.audit.target = 'settings:posting';
    ctx.audit.details = { maxBackdateDays: { from: before, to: input.maxBackdateDays } };
    return input;
  },

  'system.lanStatus': (ctx) => {
    const host = ctx.host.lan;
    const state = host?.state() ?? { running: false, urls: [], error: null };
    return {
      settings: readLanSettings(ctx.db),
      managedHere: host?.managed ?? false,
      ...state,
      certificate: describeCertificate(ctx.host.mainDataDir, readLanHostnames(ctx.db)),
    };
  },

  'system.updateLanSettings': (ctx, input) => {
    writeLanSettings(ctx.db, input);
    ctx.audit.target = 'settings:lan';
    ctx.host.lan?.settingsChanged();
    return input;
  },

  'system.caCertificate': {
    async: async (ctx) => {
      const pem = await caCertificatePem(ctx.host.mainDataDir, ctx.now, readLanHostnames(ctx.db));
      return { filename: CA_FILE_NAME, pem, fingerprint: new crypto.X509Certificate(pem).fingerprint256 };
    },
  },
});

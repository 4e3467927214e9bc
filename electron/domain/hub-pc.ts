import type { Caller } from './context';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * An address only the hub PC itself can have: a loopback address, the desktop app's window ('desktop'), or an
 * in-process caller ('internal'). Nobody on the LAN can send from one of these.
 */
export function isHubPcAddress(ip: string): boolean {
  return ip === 'desktop' || ip === 'internal' || LOOPBACK.test(ip);
}

/**
 * The caller sits at the hub PC: the desktop app, or a request from the loopback address that also
 * names a loopback host (a web page that rebinds its own name to 127.0.0.1 does not).
 */
export function isLocalCaller(caller: Pick<Caller, 'transport' | 'ip' | 'host'>): boolean {
  if (caller.transport === 'ipc') return true;
  if (caller.transport === 'internal' && caller.ip === 'internal') return true;
  if (!LOOPBACK.test(caller.ip)) return false;
  if (caller.transport !== 'http') return true;
  const host = (caller.host ?? '')
    .replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  return host === 'localhost' || LOOPBACK.test(host);
}

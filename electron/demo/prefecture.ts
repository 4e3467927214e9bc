/**
 * 上报地市 for the demo hub, through the real handlers: before the history is played, the administrator fills in
 * the hub's code and county as a prefecture would assign them, and the address `npm run central -- --demo` listens
 * on; after each month-end close the pharmacist exports the month's signed package to a file (the USB path: the
 * demo prefecture does not know this hub until its administrator registers the key shown on the page).
 */
import { InternalClient } from '../api/internal';
import type { Runtime } from '../runtime';

/** Codes in the demo prefecture's 扶沟县 that none of its generated hubs uses. */
export const DEMO_PREFECTURE = { hubCode: 'H41162110', countyCode: '411621', serverUrl: 'http://127.0.0.1:8787/' };

export async function configureDemoPrefecture(runtime: Runtime): Promise<void> {
  const admin = InternalClient.asUser(runtime, 'admin');
  try {
    await admin.call('prefecture.saveSettings', { ...DEMO_PREFECTURE, serverCaPem: null });
  } finally {
    await admin.call('auth.logout', {}).catch(() => undefined);
  }
}

/** The pharmacist writes a just-closed month to a file (recorded on the 上报地市 page), when the hub is set up for it. */
export async function demoExportMonth(runtime: Runtime, period: string, username = 'yaoku'): Promise<void> {
  const client = InternalClient.asUser(runtime, username);
  try {
    const months = await client.call('prefecture.months', {});
    if (months.configured) await client.call('prefecture.export', { period });
  } finally {
    await client.call('auth.logout', {}).catch(() => undefined);
  }
}

import type { Runtime } from '../runtime';
import { sql } from '../db/database';
import { generateDemoHub } from './generate';

export const DEMO_PASSWORD = 'santong-demo';

/** Builds the demo hub into the demo database the first time it is opened. */
export async function ensureDemoHub(runtime: Runtime): Promise<void> {
  const users = (sql(runtime.app.db, 'SELECT count(*) AS n FROM users').get() as { n: number }).n;
  if (users > 0) return;
  // Half a year of history, so monthly statements, closed months and trends have something to show.
  console.log('正在生成演示数据（半年业务，约需一分钟）… / building the demo hub (half a year of business, about a minute)…');
  await generateDemoHub(runtime, { clinics: 22, purchasingWeeks: 26 });
}

export function describeDemoLogins(): string {
  return [
    '演示模式 / demo mode — 演示账号（密码均为 santong-demo）：',
    '  admin 系统管理员 · yaoku 药库管理员 · caiwu 财务 · yuanzhang 院长（只读） · cy01 … cy22 各村卫生室村医',
  ].join('\n');
}

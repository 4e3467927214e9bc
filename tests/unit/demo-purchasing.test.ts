import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Runtime } from '../../electron/runtime';
import { generateDemoHub } from '../../electron/demo/generate';
import { generatePurchasingHistory } from '../../electron/demo/purchasing';
import { ManualClock, tempDir } from '../helpers/runtime';
import { addDrug, addSupplier } from '../helpers/purchasing';

let runtime: Runtime;
let dir: string;
const count = (q: string, ...p: unknown[]) => (runtime.app.db.prepare(q).get(...p) as { n: number }).n;

beforeAll(async () => {
  dir = tempDir();
  const clock = new ManualClock(new Date('2026-11-20T03:00:00.000Z'));
  runtime = new Runtime({ dataDir: dir, demo: true, clock, validateOutputs: true });
  await generateDemoHub(runtime, { clinics: 5 });
  const db = runtime.app.db;
  const a = addSupplier(db, '国药控股湖南有限公司');
  const b = addSupplier(db, '九州通医药集团湖南有限公司');
  const names = ['阿莫西林胶囊', '布洛芬缓释胶囊', '二甲双胍片', '硝苯地平缓释片', '复方甘草片', '蒙脱石散', '头孢氨苄胶囊', '板蓝根颗粒', '奥美拉唑肠溶胶囊', '维生素B1片', '阿司匹林肠溶片', '葡萄糖注射液'];
  names.forEach((name, i) => addDrug(db, { name, packSize: [24, 20, 48, 30, 100, 10][i % 6], supplierId: i % 2 ? a : b, packPrice: 5_000_000 + i * 700_000 }));
  // A brand drug with a 集采 equivalent, so the history shows 应采尽采 switches.
  addDrug(db, { name: '氨氯地平片', spec: '5mg*7片', packSize: 7, supplierId: a, packPrice: 24_500_000 });
  addDrug(db, { name: '氨氯地平片', spec: '5mg*28片', packSize: 28, vbp: true, vbpPrice: 3_200_000, supplierId: b, packPrice: 3_200_000 });
  await generatePurchasingHistory(runtime, { weeks: 6 });
}, 300_000);
afterAll(() => {
  runtime.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('demo purchasing history', () => {
  it('leaves requisitions in every state the screens show', () => {
    const states = runtime.app.db.prepare('SELECT status, count(*) AS n FROM requisitions GROUP BY status').all() as { status: string; n: number }[];
    const by = Object.fromEntries(states.map((s) => [s.status, s.n]));
    expect(by.closed).toBeGreaterThan(5);
    expect(by.submitted).toBeGreaterThan(0);
    expect(by.draft).toBe(1);
    expect(count("SELECT count(*) AS n FROM requisitions WHERE status = 'reviewed' AND aggregation_id IS NULL")).toBeGreaterThan(0);
    expect(count("SELECT count(*) AS n FROM requisition_lines WHERE decision = 'adjusted'")).toBeGreaterThan(0);
    expect(count('SELECT count(*) AS n FROM requisition_lines WHERE original_drug_id IS NOT NULL')).toBeGreaterThan(0);
  });

  it('has orders in every status, linked back to the clinics they serve', () => {
    const statuses = (runtime.app.db.prepare('SELECT DISTINCT status FROM purchase_orders').all() as { status: string }[]).map((s) => s.status).sort();
    expect(statuses).toEqual(['cancelled', 'draft', 'partly_received', 'received', 'sent']);
    expect(count('SELECT count(*) AS n FROM purchase_order_line_sources')).toBeGreaterThan(10);
  });

  it('dispenses at the clinics, so suggestions come from real consumption', () => {
    expect(count("SELECT count(*) AS n FROM ledger WHERE movement = 'dispense'")).toBeGreaterThan(50);
    expect(count('SELECT count(*) AS n FROM requisition_lines WHERE amc > 0')).toBeGreaterThan(0);
  });

  it('gives the clock back and leaves no demo sessions behind', () => {
    expect(runtime.app.clock.now().toISOString()).toBe('2026-11-20T03:00:00.000Z');
    expect(count('SELECT count(*) AS n FROM sessions')).toBeLessThanOrEqual(1);
  });
});

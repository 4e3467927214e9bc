import { InternalClient } from '../api/internal';
import { sql } from '../db/database';
import { hashPassword } from '../domain/auth/passwords';
import { setSetting } from '../domain/settings';
import type { Runtime } from '../runtime';
import { DEMO_PASSWORD, DOCTOR_NAMES, VILLAGES } from './names';
import { buildDemoCatalog, generateCatalogRows, generatedDrugRecord } from './catalog';
import { insertDrug } from '../domain/catalog/drugs';
import { plantDemoTrace } from './trace';
import { plantDemoCartons } from './trace-cartons';
import { plantDemoExpiredBox } from './trace-expired';
import { knownSearchNames } from '../domain/catalog/searchIndex';
import { generatePurchasingHistory } from './purchasing';
import { configureDemoSchedules, plantDemoAnomalies } from './supervision';
import { generateDemoSettlement } from './reconciliation';
import { setDemoStoreLevels } from './watch';
import { configureDemoPrefecture } from './prefecture';

export interface DemoParams {
  clinics: number;
  /** Benchmark hubs: this many generated drugs on top of the demo catalog (e.g. 100,000). */
  extraDrugs?: number;
  /** Seed of everything random in the hub. */
  seed?: number;
  /** Weeks of purchasing history (requisitions, orders, deliveries, dispensing); 0 for none. Default 8. */
  purchasingWeeks?: number;
}

export const DEMO_HUB_NAME = '青石镇卫生院';

/**
 * Builds a demo township through the real handlers where one exists. Accounts are inserted directly:
 * the published demo password would not pass the password policy, and exists only in demo mode.
 */
export async function generateDemoHub(runtime: Runtime, params: DemoParams): Promise<void> {
  if (!runtime.app.demo) throw new Error('the demo hub is only built in demo mode');
  const db = runtime.app.db;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const at = runtime.app.clock.now().toISOString();
  const insertUser = sql(
    db,
    `INSERT INTO users (username, display_name, role, clinic_id, phone, password_hash, must_change_password, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)`,
  );

  db.transaction(() => {
    setSetting(db, 'hub.name', DEMO_HUB_NAME);
    setSetting(db, 'hub.address', '青石镇卫生院路 1 号');
    setSetting(db, 'demo', '1');
    sql(db, "INSERT INTO stores (kind, clinic_id, name) VALUES ('hub', NULL, ?)").run(`${DEMO_HUB_NAME}中心药库`);
    insertUser.run('admin', '系统管理员', 'admin', null, null, passwordHash, at, at);
    insertUser.run('yaoku', '周药师', 'pharmacist', null, '0731-8800123', passwordHash, at, at);
    insertUser.run('caiwu', '孙会计', 'finance', null, '0731-8800124', passwordHash, at, at);
    insertUser.run('yuanzhang', '刘院长', 'director', null, null, passwordHash, at, at);
  })();

  const admin = InternalClient.asUser(runtime, 'admin');
  for (let i = 0; i < params.clinics; i++) {
    const village = VILLAGES[i % VILLAGES.length] + (i >= VILLAGES.length ? String(Math.floor(i / VILLAGES.length) + 1) : '');
    const code = `C${String(i + 1).padStart(2, '0')}`;
    const clinic = await admin.call('clinics.create', {
      code,
      name: `${village}村卫生室`,
      village: `${village}村`,
      address: `青石镇${village}村村委会旁`,
      phone: `138${String(73100000 + i * 7919).padStart(8, '0')}`,
    });
    insertUser.run(`cy${String(i + 1).padStart(2, '0')}`, DOCTOR_NAMES[i % DOCTOR_NAMES.length], 'village_doctor', clinic.id, null, passwordHash, at, at);
  }

  // The catalog: three suppliers, the demo drugs with their contract prices, entered by the pharmacist.
  const seed = params.seed ?? 20260301;
  await buildDemoCatalog(InternalClient.asUser(runtime, 'yaoku'), seed);
  if (params.extraDrugs) addGeneratedDrugs(runtime, params.extraDrugs, seed);

  // Weekly purchasing cycles with deliveries and dispensing, so every purchasing screen has a history.
  // Some clinics close on Sundays (set first, so their doctors rest then); a few anomalies are planted after.
  if (params.purchasingWeeks !== 0) {
    await configureDemoSchedules(runtime);
    await configureDemoPrefecture(runtime);
    await generatePurchasingHistory(runtime, { weeks: params.purchasingWeeks ?? 8, seed });
    await plantDemoAnomalies(runtime);
    // One clinic's insurance settlement details, so reconciliation has a month to show.
    await generateDemoSettlement(runtime);
    await plantDemoTrace(runtime);
    // A short-dated box ordered, received, delivered and used on a patient after its expiry (过期药盒用药).
    await plantDemoExpiredBox(runtime);
    await setDemoStoreLevels(runtime);
    // A supplier shipping by the carton, with its code association file; deliveries picked by carton.
    await plantDemoCartons(runtime);
  }
}

/**
 * Bulk-adds generated drugs for benchmark hubs in one transaction, through the same domain code as
 * the catalog's handlers and import (one audit row for the lot, not one per drug).
 */
function addGeneratedDrugs(runtime: Runtime, count: number, seed: number): void {
  const db = runtime.app.db;
  const at = runtime.app.clock.now().toISOString();
  db.transaction(() => {
    const known = knownSearchNames(db);
    for (const r of generateCatalogRows(count, seed)) {
      insertDrug(db, generatedDrugRecord(r, null), at, known);
    }
    sql(db, `INSERT INTO audit_log (at, transport, method, outcome, target, details) VALUES (?, 'internal', 'demo.generateCatalog', 'ok', 'catalog', ?)`).run(
      at,
      JSON.stringify({ drugs: count, seed }),
    );
  })();
}

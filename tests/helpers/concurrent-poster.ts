/**
 * Run as a separate process by the concurrency test: opens the same database file with its own
 * connection and posts transfers back and forth, each in its own IMMEDIATE transaction.
 * argv: dbFile storeA storeB lotId iterations seed  → prints JSON {posted, refused}
 */
import { openDatabase } from '../../electron/db/database';
import { postMovement, transfer } from '../../electron/domain/stock/ledger';

const [dbFile, storeA, storeB, lotId, iterations, seed] = process.argv.slice(2);
const db = openDatabase(dbFile);
let state = Number(seed);
const random = () => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648;
};
let posted = 0;
let refused = 0;
for (let i = 0; i < Number(iterations); i++) {
  const forward = random() < 0.5;
  const qty = 1 + Math.floor(random() * 5);
  const p = { db, userId: 1, businessDate: '2026-03-02', today: '2026-03-02', now: new Date('2026-03-02T01:00:00.000Z') };
  try {
    db.transaction(() => {
      if (random() < 0.2) {
        postMovement(p, { storeId: Number(storeB), lotId: Number(lotId), qty: -qty, movement: 'dispense', docType: 'dispensing', docId: i });
      } else {
        transfer(p, {
          fromStoreId: Number(forward ? storeA : storeB),
          toStoreId: Number(forward ? storeB : storeA),
          lotId: Number(lotId),
          qty,
          outMovement: 'issue_out',
          inMovement: 'issue_in',
          docType: 'delivery',
          docId: i,
        });
      }
    }).immediate();
    posted += 1;
  } catch (err) {
    if ((err as { code?: string }).code !== 'INSUFFICIENT_STOCK') throw err;
    refused += 1;
  }
}
db.close();
console.log(JSON.stringify({ posted, refused }));

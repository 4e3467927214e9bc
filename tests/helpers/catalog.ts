import type { InternalClient } from '../../electron/api/internal';
import type { DrugInput } from '../../shared/contract/catalog';
import { creditCodeCheckChar } from '../../shared/creditCode';
import { runningImport, type ImportProgress } from '../../electron/domain/catalog/off-thread';
import type { OpenHub } from '../../electron/domain/ports';

let seq = 0;

/** A valid drug input; every call gets a fresh NHSA code unless one is given. */
export function drug(fields: Partial<DrugInput> & { genericName: string }): DrugInput {
  seq++;
  return {
    nhsaCode: `XT${String(seq).padStart(6, '0')}A001010100001`,
    dosageForm: '片剂',
    spec: '0.25g',
    packUnit: '盒',
    baseUnit: '片',
    packSize: 24,
    manufacturer: '测试制药有限公司',
    insuranceClass: 'A',
    ...fields,
  };
}

export async function addDrug(client: InternalClient, fields: Partial<DrugInput> & { genericName: string }) {
  return client.call('catalog.create', drug(fields));
}

/** A unified social credit code with a correct check character, from a 17-character body. */
export function validCreditCode(body17: string): string {
  const check = creditCodeCheckChar(body17);
  if (!check) throw new Error(`bad body ${body17}`);
  return body17 + check;
}

/**
 * Takes the hub's write gate at a commit's first progress note that satisfies `when` (for a batched import: a batch
 * has committed, and the worker cannot begin the next until the gate is given back). What happens meanwhile is then
 * decided by the order of events, never by timings.
 */
export function holdGateAt(hub: OpenHub, when: (p: ImportProgress) => boolean): Promise<{ progress: ImportProgress; release: () => void }> {
  return new Promise((resolve) => {
    const poll = () => {
      const running = runningImport(hub);
      if (!running) return void setImmediate(poll);
      const listener = (p: ImportProgress) => {
        if (!when(p)) return;
        running.onProgress.delete(listener);
        void hub.writeGate.hold().then((release) => resolve({ progress: p, release }));
      };
      running.onProgress.add(listener);
    };
    poll();
  });
}

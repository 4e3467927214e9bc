import type { InternalClient } from '../../electron/api/internal';
import type { DrugInput } from '../../shared/contract/catalog';
import { creditCodeCheckChar } from '../../shared/creditCode';

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

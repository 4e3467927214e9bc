import type { APIRequestContext, Browser } from '@playwright/test';
import { validCreditCode } from '../helpers/catalog';

/** Seeding through the real HTTP API, for end-to-end tests whose subject is a later step of the flow. */

export async function api(req: APIRequestContext, method: string, body: unknown): Promise<any> {
  const res = await req.post(`api/${method}`, { data: body });
  const json = await res.json();
  if (!res.ok()) throw new Error(`${method}: ${JSON.stringify(json)}`);
  return json;
}

/** A signed-in API client for seeding (an account with its initial password already replaced). */
export async function apiAs(browser: Browser, baseURL: string, username: string, password: string, newPassword?: string): Promise<APIRequestContext> {
  const ctx = await browser.newContext({ baseURL });
  const req = ctx.request;
  await api(req, 'auth.login', { username, password });
  if (newPassword) await api(req, 'auth.changePassword', { oldPassword: password, newPassword });
  return req;
}

/** The catalog through the master-data API, as the pharmacist enters it: two suppliers, four drugs, contract prices. */
export async function seedCatalog(req: APIRequestContext): Promise<Record<string, number>> {
  const supplier = async (name: string, body: string) =>
    (await api(req, 'suppliers.create', { name, creditCode: validCreditCode(body), contact: '刘经理', phone: '0731-84001234', address: null, licenceNo: null })).id as number;
  const guoyao = await supplier('国药控股湖南有限公司', '91430000183763178');
  const jiuzhou = await supplier('九州通医药集团湖南有限公司', '91430100765623045');
  const drug = async (nhsaCode: string, genericName: string, dosageForm: string, spec: string, packSize: number, baseUnit: string, supplierId: number, price: number, vbp = false) => {
    const d = await api(req, 'catalog.create', {
      nhsaCode, genericName, dosageForm, spec, packUnit: '盒', baseUnit, packSize, manufacturer: '华北制药股份有限公司', insuranceClass: 'A',
      vbp, vbpBatch: vbp ? '第四批' : null, vbpPrice: vbp ? price : null, defaultSupplierId: supplierId,
    });
    await api(req, 'suppliers.setPrices', { supplierId, prices: [{ drugId: d.id, packPrice: price }] });
    return d.id as number;
  };
  return {
    amox: await drug('XJ01CAA040A001010100001', '阿莫西林胶囊', '胶囊剂', '0.25g*24粒', 24, '粒', guoyao, 12_500_000),
    ibu: await drug('XM01AEB090E001010100002', '布洛芬缓释胶囊', '胶囊剂', '0.3g*20粒', 20, '粒', guoyao, 9_800_000),
    aml: await drug('XC08CAA010A001010100003', '氨氯地平片', '片剂', '5mg*28片', 28, '片', jiuzhou, 3_200_000, true),
    amlBrand: await drug('XC08CAA010A001010100004', '氨氯地平片', '片剂', '5mg*7片', 7, '片', jiuzhou, 24_500_000),
  };
}


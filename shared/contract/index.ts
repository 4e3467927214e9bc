import { z } from 'zod';
import type { AnyMethod } from './define';
import { authApi, usersApi } from './auth';
import { clinicsApi } from './clinics';
import { requisitionsApi } from './requisitions';
import { ordersApi } from './orders';
import { auditApi } from './audit';
import { systemApi } from './system';
import { stockApi } from './stock';
import { stocktakeApi } from './stocktake';
import { settlementApi } from './settlement';
import { workbenchApi } from './workbench';
import { backupApi, recoveryApi } from './backup';
import { catalogApi } from './catalog';
import { suppliersApi } from './suppliers';
import { insuranceExportApi } from './insurance-export';
import { supervisionApi } from './supervision';
import { reconciliationApi } from './reconciliation';
import { gspApi } from './gsp';
import { prefectureApi } from './prefecture';
import { tracePackagesApi } from './trace-packages';

// Validation messages from zod itself (type errors etc.) are in Chinese, like ours.
z.config(z.locales.zhCN());

/** Every operation of the app, declared once. IPC and HTTP both dispatch through this table. */
export const api = {
  ...authApi,
  ...usersApi,
  ...clinicsApi,
  ...requisitionsApi,
  ...ordersApi,
  ...auditApi,
  ...systemApi,
  ...stockApi,
  ...stocktakeApi,
  ...settlementApi,
  ...workbenchApi,
  ...backupApi,
  ...recoveryApi,
  ...catalogApi,
  ...suppliersApi,
  ...insuranceExportApi,
  ...supervisionApi,
  ...reconciliationApi,
  ...gspApi,
  ...prefectureApi,
  ...tracePackagesApi,
} satisfies Record<string, AnyMethod>;

export type Api = typeof api;
export type MethodName = keyof Api;
export type MethodInput<K extends MethodName> = z.input<Api[K]['input']>;
export type ParsedInput<K extends MethodName> = z.output<Api[K]['input']>;
export type MethodOutput<K extends MethodName> = z.output<Api[K]['output']>;

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(api, name);
}

export * from './define';

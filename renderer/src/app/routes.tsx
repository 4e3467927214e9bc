import type { ReactNode } from 'react';
import { lazy } from 'react';
import { HomeOutlined, ShopOutlined, TeamOutlined, SettingOutlined } from '@ant-design/icons';
import type { Role } from '../../../shared/contract';

const HomePage = lazy(() => import('../pages/HomePage'));
const ClinicsPage = lazy(() => import('../pages/admin/ClinicsPage'));
const UsersPage = lazy(() => import('../pages/admin/UsersPage'));
const DrugsPage = lazy(() => import('../pages/catalog/DrugsPage'));
const DrugLookupPage = lazy(() => import('../pages/catalog/DrugLookupPage'));
const SuppliersPage = lazy(() => import('../pages/suppliers/SuppliersPage'));
const AccountPage = lazy(() => import('../pages/AccountPage'));

export const ALL_ROLES: Role[] = ['admin', 'pharmacist', 'finance', 'village_doctor'];
export const HUB_ROLES: Role[] = ['admin', 'pharmacist', 'finance'];

export interface AppRoute {
  path: string;
  label: string;
  roles: Role[];
  element: ReactNode;
  /** Menu group; routes without one are reachable but not in the menu (e.g. detail pages). */
  group?: NavGroup;
  icon?: ReactNode;
}

export type NavGroup = 'home' | 'purchasing' | 'stock' | 'stocktake' | 'settlement' | 'supervision' | 'master' | 'system';

export const NAV_GROUPS: { key: NavGroup; label: string; icon: ReactNode }[] = [
  { key: 'home', label: '工作台', icon: <HomeOutlined /> },
  { key: 'master', label: '基础数据', icon: <ShopOutlined /> },
  { key: 'system', label: '系统管理', icon: <SettingOutlined /> },
];

/** Every screen of the app, with the roles that see it in the menu. The server enforces access regardless. */
export const ROUTES: AppRoute[] = [
  { path: '/', label: '工作台', roles: ALL_ROLES, element: <HomePage />, group: 'home', icon: <HomeOutlined /> },
  { path: '/master/drugs', label: '药品目录', roles: ['admin', 'pharmacist', 'finance'], element: <DrugsPage />, group: 'master' },
  { path: '/master/drug-lookup', label: '药品查询', roles: ['village_doctor'], element: <DrugLookupPage />, group: 'master' },
  { path: '/master/suppliers', label: '配送企业', roles: ['admin', 'pharmacist', 'finance'], element: <SuppliersPage />, group: 'master' },
  { path: '/master/clinics', label: '村卫生室', roles: ['admin', 'pharmacist', 'finance'], element: <ClinicsPage />, group: 'master' },
  { path: '/system/users', label: '用户与权限', roles: ['admin'], element: <UsersPage />, group: 'system', icon: <TeamOutlined /> },
  { path: '/account', label: '账号与密码', roles: ALL_ROLES, element: <AccountPage /> },
];

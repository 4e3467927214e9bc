import type { ReactNode } from 'react';
import { lazy } from 'react';
import { HomeOutlined, ShopOutlined, TeamOutlined, SettingOutlined, ShoppingCartOutlined } from '@ant-design/icons';
import type { Role } from '../../../shared/contract';

const HomePage = lazy(() => import('../pages/HomePage'));
const ClinicsPage = lazy(() => import('../pages/admin/ClinicsPage'));
const UsersPage = lazy(() => import('../pages/admin/UsersPage'));
const AccountPage = lazy(() => import('../pages/AccountPage'));
const RequisitionsPage = lazy(() => import('../pages/purchasing/RequisitionsPage'));
const ReviewPage = lazy(() => import('../pages/purchasing/ReviewPage'));
const AggregationPage = lazy(() => import('../pages/purchasing/AggregationPage'));
const OrdersPage = lazy(() => import('../pages/purchasing/OrdersPage'));
const OrderDetailPage = lazy(() => import('../pages/purchasing/OrderDetailPage'));

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
  { key: 'purchasing', label: '统一购药', icon: <ShoppingCartOutlined /> },
  { key: 'master', label: '基础数据', icon: <ShopOutlined /> },
  { key: 'system', label: '系统管理', icon: <SettingOutlined /> },
];

/** Every screen of the app, with the roles that see it in the menu. The server enforces access regardless. */
export const ROUTES: AppRoute[] = [
  { path: '/', label: '工作台', roles: ALL_ROLES, element: <HomePage />, group: 'home', icon: <HomeOutlined /> },
  { path: '/purchasing/requisitions', label: '需求上报', roles: ['village_doctor', 'pharmacist'], element: <RequisitionsPage />, group: 'purchasing' },
  { path: '/purchasing/review', label: '请领审核', roles: HUB_ROLES, element: <ReviewPage />, group: 'purchasing' },
  { path: '/purchasing/aggregate', label: '汇总采购', roles: ['pharmacist'], element: <AggregationPage />, group: 'purchasing' },
  { path: '/purchasing/orders', label: '采购订单', roles: HUB_ROLES, element: <OrdersPage />, group: 'purchasing' },
  { path: '/purchasing/orders/:id', label: '采购订单', roles: HUB_ROLES, element: <OrderDetailPage /> },
  { path: '/master/clinics', label: '村卫生室', roles: ['admin', 'pharmacist', 'finance'], element: <ClinicsPage />, group: 'master' },
  { path: '/system/users', label: '用户与权限', roles: ['admin'], element: <UsersPage />, group: 'system', icon: <TeamOutlined /> },
  { path: '/account', label: '账号与密码', roles: ALL_ROLES, element: <AccountPage /> },
];

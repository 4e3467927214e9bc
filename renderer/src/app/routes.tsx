import type { ReactNode } from 'react';
import { lazy } from 'react';
import {
  FundOutlined,
  HomeOutlined,
  ShopOutlined,
  TeamOutlined,
  SettingOutlined,
  InboxOutlined,
  AccountBookOutlined,
  AuditOutlined,
  ControlOutlined,
  ShoppingCartOutlined,
} from '@ant-design/icons';
import type { Role } from '../../../shared/contract';

const HomePage = lazy(() => import('../pages/HomePage'));
const ClinicsPage = lazy(() => import('../pages/admin/ClinicsPage'));
const UsersPage = lazy(() => import('../pages/admin/UsersPage'));
const DrugsPage = lazy(() => import('../pages/catalog/DrugsPage'));
const DrugLookupPage = lazy(() => import('../pages/catalog/DrugLookupPage'));
const SuppliersPage = lazy(() => import('../pages/suppliers/SuppliersPage'));
const AccountPage = lazy(() => import('../pages/AccountPage'));
const RequisitionsPage = lazy(() => import('../pages/purchasing/RequisitionsPage'));
const RequisitionEditPage = lazy(() => import('../pages/purchasing/RequisitionEditPage'));
const ReviewPage = lazy(() => import('../pages/purchasing/ReviewPage'));
const AggregationPage = lazy(() => import('../pages/purchasing/AggregationPage'));
const OrdersPage = lazy(() => import('../pages/purchasing/OrdersPage'));
const OrderDetailPage = lazy(() => import('../pages/purchasing/OrderDetailPage'));
const AuditLogPage = lazy(() => import('../pages/system/AuditLogPage'));
const SystemSettingsPage = lazy(() => import('../pages/system/SystemSettingsPage'));
const ReceiptsPage = lazy(() => import('../pages/stock/ReceiptsPage'));
const DeliveriesPage = lazy(() => import('../pages/stock/DeliveriesPage'));
const OnHandPage = lazy(() => import('../pages/stock/OnHandPage'));
const StockCardPage = lazy(() => import('../pages/stock/StockCardPage'));
const AlertsPage = lazy(() => import('../pages/stock/AlertsPage'));
const ReturnsPage = lazy(() => import('../pages/stock/ReturnsPage'));
const WriteoffsPage = lazy(() => import('../pages/stock/WriteoffsPage'));
const SignDeliveriesPage = lazy(() => import('../pages/clinic/SignDeliveriesPage'));
const StocktakesPage = lazy(() => import('../pages/stocktake/StocktakesPage'));
const StocktakeDetailPage = lazy(() => import('../pages/stocktake/StocktakeDetailPage'));
const AccuracyPage = lazy(() => import('../pages/stocktake/AccuracyPage'));
const SupplierSettlementPage = lazy(() => import('../pages/settlement/SupplierSettlementPage'));
const ClinicStatementsPage = lazy(() => import('../pages/settlement/ClinicStatementsPage'));
const HubStatementPage = lazy(() => import('../pages/settlement/HubStatementPage'));
const PeriodsPage = lazy(() => import('../pages/settlement/PeriodsPage'));
const InsuranceExportPage = lazy(() => import('../pages/settlement/InsuranceExportPage'));
const ReconciliationPage = lazy(() => import('../pages/reconciliation/ReconciliationPage'));
const DispensingPage = lazy(() => import('../pages/clinic/DispensingPage'));
const BackupPage = lazy(() => import('../pages/system/BackupPage'));
const IntegrityPage = lazy(() => import('../pages/system/IntegrityPage'));
const SupervisionDashboardPage = lazy(() => import('../pages/supervision/DashboardPage'));
const SignalsPage = lazy(() => import('../pages/supervision/SignalsPage'));
const SignalDetailPage = lazy(() => import('../pages/supervision/SignalDetailPage'));
const SupervisionRulesPage = lazy(() => import('../pages/supervision/RulesPage'));
const TracePage = lazy(() => import('../pages/trace/TracePage'));
const QuarantinePage = lazy(() => import('../pages/gsp/QuarantinePage'));
const StoragePage = lazy(() => import('../pages/gsp/StoragePage'));
const PrefecturePage = lazy(() => import('../pages/prefecture/PrefecturePage'));

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
  { key: 'stock', label: '统一出入库', icon: <InboxOutlined /> },
  { key: 'stocktake', label: '盘点抽查', icon: <AuditOutlined /> },
  { key: 'settlement', label: '统一结算', icon: <AccountBookOutlined /> },
  { key: 'supervision', label: '监管看板', icon: <FundOutlined /> },
  { key: 'master', label: '基础数据', icon: <ShopOutlined /> },
  { key: 'system', label: '系统管理', icon: <SettingOutlined /> },
];

/** Every screen of the app, with the roles that see it in the menu. The server enforces access regardless. */
export const ROUTES: AppRoute[] = [
  { path: '/', label: '工作台', roles: ALL_ROLES, element: <HomePage />, group: 'home', icon: <HomeOutlined /> },
  { path: '/purchasing/requisitions', label: '需求上报', roles: ['village_doctor', 'pharmacist'], element: <RequisitionsPage />, group: 'purchasing' },
  { path: '/purchasing/requisitions/new', label: '新建请领单', roles: ['village_doctor', 'pharmacist'], element: <RequisitionEditPage /> },
  { path: '/purchasing/requisitions/:id', label: '请领单', roles: ALL_ROLES, element: <RequisitionEditPage /> },
  { path: '/purchasing/review', label: '请领审核', roles: HUB_ROLES, element: <ReviewPage />, group: 'purchasing' },
  { path: '/purchasing/aggregate', label: '汇总采购', roles: ['pharmacist'], element: <AggregationPage />, group: 'purchasing' },
  { path: '/purchasing/orders', label: '采购订单', roles: HUB_ROLES, element: <OrdersPage />, group: 'purchasing' },
  { path: '/purchasing/orders/:id', label: '采购订单', roles: HUB_ROLES, element: <OrderDetailPage /> },
  { path: '/stock/receipts', label: '验收入库', roles: ['admin', 'pharmacist', 'finance'], element: <ReceiptsPage />, group: 'stock' },
  { path: '/stock/deliveries', label: '配送出库', roles: ['admin', 'pharmacist', 'finance'], element: <DeliveriesPage />, group: 'stock' },
  { path: '/clinic/deliveries', label: '配送签收', roles: ['village_doctor'], element: <SignDeliveriesPage />, group: 'stock' },
  { path: '/clinic/dispensing', label: '用药登记', roles: ['village_doctor', 'pharmacist'], element: <DispensingPage />, group: 'stock' },
  { path: '/stock/on-hand', label: '库存查询', roles: ALL_ROLES, element: <OnHandPage />, group: 'stock' },
  { path: '/stock/card', label: '库存台账', roles: ALL_ROLES, element: <StockCardPage />, group: 'stock' },
  { path: '/stock/alerts', label: '库存预警', roles: ALL_ROLES, element: <AlertsPage />, group: 'stock' },
  { path: '/trace', label: '药品追溯', roles: ALL_ROLES, element: <TracePage />, group: 'stock' },
  { path: '/stock/returns', label: '退货', roles: ALL_ROLES, element: <ReturnsPage />, group: 'stock' },
  { path: '/stock/writeoffs', label: '报损', roles: ALL_ROLES, element: <WriteoffsPage />, group: 'stock' },
  { path: '/stock/quarantine', label: '不合格品', roles: HUB_ROLES, element: <QuarantinePage />, group: 'stock' },
  { path: '/storage', label: '温湿度记录', roles: ALL_ROLES, element: <StoragePage />, group: 'stock' },
  { path: '/stocktake', label: '盘点与抽查', roles: HUB_ROLES, element: <StocktakesPage />, group: 'stocktake' },
  { path: '/stocktake', label: '本室盘点', roles: ['village_doctor'], element: <StocktakesPage />, group: 'stocktake' },
  { path: '/stocktake/accuracy', label: '账实相符率', roles: ALL_ROLES, element: <AccuracyPage />, group: 'stocktake' },
  { path: '/stocktake/:id', label: '盘点单', roles: ALL_ROLES, element: <StocktakeDetailPage /> },
  { path: '/settlement/suppliers', label: '供应商结算', roles: HUB_ROLES, element: <SupplierSettlementPage />, group: 'settlement' },
  { path: '/settlement/clinics', label: '卫生室结算', roles: ALL_ROLES, element: <ClinicStatementsPage />, group: 'settlement' },
  { path: '/settlement/hub', label: '中心库进销存', roles: HUB_ROLES, element: <HubStatementPage />, group: 'settlement' },
  { path: '/settlement/periods', label: '月结', roles: HUB_ROLES, element: <PeriodsPage />, group: 'settlement' },
  { path: '/reconciliation', label: '医保对账', roles: ALL_ROLES, element: <ReconciliationPage />, group: 'settlement' },
  { path: '/settlement/insurance-export', label: '医保进销存上传', roles: ALL_ROLES, element: <InsuranceExportPage />, group: 'settlement' },
  { path: '/supervision/dashboard', label: '三保看板', roles: HUB_ROLES, element: <SupervisionDashboardPage />, group: 'supervision' },
  { path: '/supervision/signals', label: '异常信号', roles: HUB_ROLES, element: <SignalsPage />, group: 'supervision' },
  { path: '/supervision/prefecture', label: '上报地市', roles: HUB_ROLES, element: <PrefecturePage />, group: 'supervision' },
  { path: '/supervision/signals/:fingerprint', label: '异常信号', roles: HUB_ROLES, element: <SignalDetailPage /> },
  { path: '/supervision/rules', label: '规则与阈值', roles: HUB_ROLES, element: <SupervisionRulesPage />, group: 'supervision' },
  { path: '/master/drugs', label: '药品目录', roles: ['admin', 'pharmacist', 'finance'], element: <DrugsPage />, group: 'master' },
  { path: '/master/drug-lookup', label: '药品查询', roles: ['village_doctor'], element: <DrugLookupPage />, group: 'master' },
  { path: '/master/suppliers', label: '配送企业', roles: ['admin', 'pharmacist', 'finance'], element: <SuppliersPage />, group: 'master' },
  { path: '/master/clinics', label: '村卫生室', roles: ['admin', 'pharmacist', 'finance'], element: <ClinicsPage />, group: 'master' },
  { path: '/system/users', label: '用户与权限', roles: ['admin'], element: <UsersPage />, group: 'system', icon: <TeamOutlined /> },
  { path: '/system/backup', label: '数据备份', roles: ['admin'], element: <BackupPage />, group: 'system' },
  { path: '/system/integrity', label: '数据检查', roles: ['admin'], element: <IntegrityPage />, group: 'system' },
  { path: '/system/audit', label: '审计日志', roles: ['admin'], element: <AuditLogPage />, group: 'system', icon: <AuditOutlined /> },
  { path: '/system/settings', label: '系统设置', roles: ['admin', 'pharmacist'], element: <SystemSettingsPage />, group: 'system', icon: <ControlOutlined /> },
  { path: '/account', label: '账号与密码', roles: ALL_ROLES, element: <AccountPage /> },
];

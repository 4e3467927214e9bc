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
import type { MethodName, Role } from '../../../shared/contract';
import { rolesOf } from './access';

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

/** Narrowings of a method's roles: the people who work a screen, not everyone the contract lets read it. */
const STAFF: Role[] = ['admin', 'pharmacist', 'finance', 'village_doctor'];
const HUB_ROLES: Role[] = ['admin', 'pharmacist', 'finance'];
/** The hub's staff and the 院长, who reads them. */
const HUB_READERS: Role[] = [...HUB_ROLES, 'director'];

interface Screen {
  path: string;
  label: string;
  /** The contract method the screen opens with: its roles are the screen's roles (issue 20). */
  reads: MethodName;
  /** Shows the screen to fewer roles than its method allows (e.g. a village doctor's own screen). */
  only?: Role[];
  element: ReactNode;
  /** Menu group; routes without one are reachable but not in the menu (e.g. detail pages). */
  group?: NavGroup;
  icon?: ReactNode;
}

export interface AppRoute extends Screen {
  /** Who sees it in the menu and may open it: the method's roles, narrowed by `only`. */
  roles: Role[];
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

/** Every screen of the app, with the method it opens with. The server enforces access regardless. */
export const SCREENS: Screen[] = [
  { path: '/', label: '工作台', reads: 'workbench.todos', element: <HomePage />, group: 'home', icon: <HomeOutlined /> },
  {
    path: '/purchasing/requisitions',
    label: '需求上报',
    reads: 'requisitions.list',
    only: ['village_doctor', 'pharmacist'],
    element: <RequisitionsPage />,
    group: 'purchasing',
  },
  { path: '/purchasing/requisitions/new', label: '新建请领单', reads: 'requisitions.saveDraft', element: <RequisitionEditPage /> },
  { path: '/purchasing/requisitions/:id', label: '请领单', reads: 'requisitions.get', only: STAFF, element: <RequisitionEditPage /> },
  { path: '/purchasing/review', label: '请领审核', reads: 'requisitions.list', only: HUB_ROLES, element: <ReviewPage />, group: 'purchasing' },
  { path: '/purchasing/aggregate', label: '汇总采购', reads: 'aggregation.preview', element: <AggregationPage />, group: 'purchasing' },
  { path: '/purchasing/orders', label: '采购订单', reads: 'orders.list', only: HUB_ROLES, element: <OrdersPage />, group: 'purchasing' },
  { path: '/purchasing/orders/:id', label: '采购订单', reads: 'orders.get', only: HUB_ROLES, element: <OrderDetailPage /> },
  { path: '/stock/receipts', label: '验收入库', reads: 'receipts.list', element: <ReceiptsPage />, group: 'stock' },
  { path: '/stock/deliveries', label: '配送出库', reads: 'deliveries.list', only: HUB_READERS, element: <DeliveriesPage />, group: 'stock' },
  { path: '/clinic/deliveries', label: '配送签收', reads: 'deliveries.sign', only: ['village_doctor'], element: <SignDeliveriesPage />, group: 'stock' },
  { path: '/clinic/dispensing', label: '用药登记', reads: 'dispensing.create', element: <DispensingPage />, group: 'stock' },
  { path: '/stock/on-hand', label: '库存查询', reads: 'stock.onHand', element: <OnHandPage />, group: 'stock' },
  { path: '/stock/card', label: '库存台账', reads: 'stock.card', element: <StockCardPage />, group: 'stock' },
  { path: '/stock/alerts', label: '库存预警', reads: 'stock.alerts', element: <AlertsPage />, group: 'stock' },
  { path: '/trace', label: '药品追溯', reads: 'trace.lookup', element: <TracePage />, group: 'stock' },
  { path: '/stock/returns', label: '退货', reads: 'returns.list', only: STAFF, element: <ReturnsPage />, group: 'stock' },
  { path: '/stock/writeoffs', label: '报损', reads: 'writeoffs.list', only: STAFF, element: <WriteoffsPage />, group: 'stock' },
  { path: '/stock/quarantine', label: '不合格品', reads: 'quarantine.list', element: <QuarantinePage />, group: 'stock' },
  { path: '/storage', label: '温湿度记录', reads: 'storage.today', element: <StoragePage />, group: 'stock' },
  { path: '/stocktake', label: '盘点与抽查', reads: 'stocktakes.list', only: HUB_READERS, element: <StocktakesPage />, group: 'stocktake' },
  { path: '/stocktake', label: '本室盘点', reads: 'stocktakes.list', only: ['village_doctor'], element: <StocktakesPage />, group: 'stocktake' },
  { path: '/stocktake/accuracy', label: '账实相符率', reads: 'stocktakes.accuracy', element: <AccuracyPage />, group: 'stocktake' },
  { path: '/stocktake/:id', label: '盘点单', reads: 'stocktakes.get', element: <StocktakeDetailPage /> },
  { path: '/settlement/suppliers', label: '配送企业结算', reads: 'statements.suppliers', element: <SupplierSettlementPage />, group: 'settlement' },
  { path: '/settlement/clinics', label: '卫生室结算', reads: 'statements.clinic', element: <ClinicStatementsPage />, group: 'settlement' },
  { path: '/settlement/hub', label: '中心库进销存', reads: 'statements.hub', element: <HubStatementPage />, group: 'settlement' },
  { path: '/settlement/periods', label: '月结', reads: 'periods.list', element: <PeriodsPage />, group: 'settlement' },
  { path: '/reconciliation', label: '医保对账', reads: 'reconciliation.overview', element: <ReconciliationPage />, group: 'settlement' },
  {
    path: '/settlement/insurance-export',
    label: '医保进销存上传',
    reads: 'insuranceExport.preview',
    only: STAFF,
    element: <InsuranceExportPage />,
    group: 'settlement',
  },
  { path: '/supervision/dashboard', label: '三保看板', reads: 'supervision.dashboard', element: <SupervisionDashboardPage />, group: 'supervision' },
  { path: '/supervision/signals', label: '异常信号', reads: 'supervision.signals', element: <SignalsPage />, group: 'supervision' },
  { path: '/supervision/prefecture', label: '上报地市', reads: 'prefecture.months', element: <PrefecturePage />, group: 'supervision' },
  { path: '/supervision/signals/:fingerprint', label: '异常信号', reads: 'supervision.signal', element: <SignalDetailPage /> },
  { path: '/supervision/rules', label: '规则与阈值', reads: 'supervision.rules', only: HUB_ROLES, element: <SupervisionRulesPage />, group: 'supervision' },
  { path: '/master/drugs', label: '药品目录', reads: 'catalog.list', only: HUB_ROLES, element: <DrugsPage />, group: 'master' },
  { path: '/master/drug-lookup', label: '药品查询', reads: 'catalog.search', only: ['village_doctor'], element: <DrugLookupPage />, group: 'master' },
  { path: '/master/suppliers', label: '配送企业', reads: 'suppliers.list', only: HUB_ROLES, element: <SuppliersPage />, group: 'master' },
  { path: '/master/clinics', label: '村卫生室', reads: 'clinics.list', only: HUB_ROLES, element: <ClinicsPage />, group: 'master' },
  { path: '/system/users', label: '用户与权限', reads: 'users.list', element: <UsersPage />, group: 'system', icon: <TeamOutlined /> },
  { path: '/system/backup', label: '数据备份', reads: 'backup.list', element: <BackupPage />, group: 'system' },
  { path: '/system/integrity', label: '数据检查', reads: 'system.integrityCheck', element: <IntegrityPage />, group: 'system' },
  { path: '/system/audit', label: '审计日志', reads: 'audit.list', element: <AuditLogPage />, group: 'system', icon: <AuditOutlined /> },
  {
    path: '/system/settings',
    label: '系统设置',
    reads: 'system.postingRules',
    only: ['admin', 'pharmacist'],
    element: <SystemSettingsPage />,
    group: 'system',
    icon: <ControlOutlined />,
  },
  { path: '/account', label: '账号与密码', reads: 'auth.changePassword', element: <AccountPage /> },
];

export const ROUTES: AppRoute[] = SCREENS.map((screen) => {
  const allowed = rolesOf(screen.reads);
  return { ...screen, roles: screen.only ? screen.only.filter((r) => allowed.includes(r)) : [...allowed] };
});

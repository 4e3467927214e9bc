import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { Result, Spin } from 'antd';
import { Link } from 'react-router';
import { ShortcutLayer } from '../app/shortcuts';

/**
 * Print routes live under /print/… and render without the app shell (no menu, no header), so the page
 * is only the document. Add a document type here: `{ path: '/print/<doc>/:id', element: <…Print /> }`.
 */
const PurchaseOrderPrint = lazy(() => import('../pages/purchasing/PurchaseOrderPrint'));
const StocktakeCountPrint = lazy(() => import('../pages/stocktake/StocktakePrint').then((m) => ({ default: m.StocktakeCountPrint })));
const StocktakeResultPrint = lazy(() => import('../pages/stocktake/StocktakePrint').then((m) => ({ default: m.StocktakeResultPrint })));

const HubStatementPrint = lazy(() => import('../pages/settlement/print/StoreStatementPrint').then((m) => ({ default: m.HubStatementPrint })));
const ClinicStatementPrint = lazy(() => import('../pages/settlement/print/StoreStatementPrint').then((m) => ({ default: m.ClinicStatementPrint })));
const ClinicSummaryPrint = lazy(() => import('../pages/settlement/print/StoreStatementPrint').then((m) => ({ default: m.ClinicSummaryPrint })));
const ClinicStatementsBatchPrint = lazy(() => import('../pages/settlement/print/StoreStatementPrint').then((m) => ({ default: m.ClinicStatementsBatchPrint })));
const SupplierStatementPrint = lazy(() => import('../pages/settlement/print/SupplierStatementPrint').then((m) => ({ default: m.SupplierStatementPrint })));
const ReconciliationPrint = lazy(() => import('../pages/reconciliation/ReconciliationPrint').then((m) => ({ default: m.ReconciliationPrint })));
const AcceptancePrint = lazy(() => import('../pages/gsp/GspPrints').then((m) => ({ default: m.AcceptancePrint })));
const QuarantinePrint = lazy(() => import('../pages/gsp/GspPrints').then((m) => ({ default: m.QuarantinePrint })));
const EnvLogPrint = lazy(() => import('../pages/gsp/GspPrints').then((m) => ({ default: m.EnvLogPrint })));
const DeliveryNotePrint = lazy(() => import('../pages/settlement/print/DeliveryNotePrint').then((m) => ({ default: m.DeliveryNotePrint })));
const StockCardPrint = lazy(() => import('../pages/stock/StockCardPrint').then((m) => ({ default: m.StockCardPrint })));
const OnHandPrint = lazy(() => import('../pages/stock/OnHandPrint').then((m) => ({ default: m.OnHandPrint })));
const AlertsPrint = lazy(() => import('../pages/stock/AlertsPrint').then((m) => ({ default: m.AlertsPrint })));
const DrillPrint = lazy(() => import('../pages/supervision/DrillPrint').then((m) => ({ default: m.DrillPrint })));
const AuditLogPrint = lazy(() => import('../pages/system/AuditLogPrint').then((m) => ({ default: m.AuditLogPrint })));

export const PRINT_ROUTES = [
  { path: '/print/purchase-order/:id', element: <PurchaseOrderPrint /> },
  { path: '/print/stocktake-count/:id', element: <StocktakeCountPrint /> },
  { path: '/print/stocktake-result/:id', element: <StocktakeResultPrint /> },
  { path: '/print/hub-statement/:period', element: <HubStatementPrint /> },
  { path: '/print/clinic-statement/:clinicId/:period', element: <ClinicStatementPrint /> },
  { path: '/print/clinic-summary/:period', element: <ClinicSummaryPrint /> },
  { path: '/print/clinic-statements/:period', element: <ClinicStatementsBatchPrint /> },
  { path: '/print/supplier-statement/:supplierId/:period', element: <SupplierStatementPrint /> },
  { path: '/print/delivery/:id', element: <DeliveryNotePrint /> },
  { path: '/print/reconciliation/:clinicId/:period', element: <ReconciliationPrint /> },
  { path: '/print/acceptance/receipt/:id', element: <AcceptancePrint /> },
  { path: '/print/acceptance/month/:period', element: <AcceptancePrint /> },
  { path: '/print/quarantine/:period', element: <QuarantinePrint /> },
  { path: '/print/env-log/:areaId/:period', element: <EnvLogPrint /> },
  { path: '/print/stock-card', element: <StockCardPrint /> },
  { path: '/print/on-hand', element: <OnHandPrint /> },
  { path: '/print/alerts', element: <AlertsPrint /> },
  { path: '/print/audit-log', element: <AuditLogPrint /> },
  { path: '/print/drilldown', element: <DrillPrint /> },
];

export default function PrintRoutes() {
  return (
    <Suspense fallback={<Spin size="large" style={{ display: 'block', marginTop: '30vh' }} />}>
      <ShortcutLayer />
      <Routes>
        {PRINT_ROUTES.map((r) => (
          <Route key={r.path} path={r.path} element={r.element} />
        ))}
        <Route path="*" element={<Result status="404" title="没有这种打印单据" extra={<Link to="/">返回工作台</Link>} />} />
      </Routes>
    </Suspense>
  );
}

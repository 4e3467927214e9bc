import { useParams } from 'react-router';
import { formatFen, formatUnitPrice } from '../../../../shared/money';
import { INSURANCE_CLASS_LABELS } from '../../../../shared/contract/requisitions';
import { ORDER_STATUS_LABELS, type OrderLine } from '../../../../shared/contract/orders';
import { useApiQuery } from '../../api/hooks';
import { PrintDocument, type PrintColumn } from '../../print/PrintDocument';
import { PrintPage } from '../../print/PrintPage';
import { dateTime } from './format';
import { SIGNATURES } from '../../../../shared/signatures';

const COLUMNS: PrintColumn<OrderLine>[] = [
  { key: 'no', title: '序号', width: '5%', align: 'center', render: (l) => l.lineNo },
  { key: 'code', title: '医保药品编码', width: '15%', render: (l) => <span style={{ fontSize: '8pt' }}>{l.nhsaCode}</span> },
  { key: 'name', title: '通用名', width: '14%', render: (l) => `${l.drugName}${l.vbp ? '（集采）' : ''}` },
  { key: 'spec', title: '规格 / 剂型', width: '13%', render: (l) => `${l.spec} / ${l.dosageForm}` },
  { key: 'mfr', title: '生产企业', width: '15%', render: (l) => l.manufacturer },
  { key: 'class', title: '医保', width: '5%', align: 'center', render: (l) => INSURANCE_CLASS_LABELS[l.insuranceClass].replace('非医保', '—') },
  { key: 'qty', title: '数量', width: '9%', align: 'right', render: (l) => `${l.qty / l.packSize}${l.packUnit}` },
  { key: 'base', title: '折合', width: '8%', align: 'right', render: (l) => `${l.qty}${l.baseUnit}` },
  { key: 'price', title: '单价（元）', width: '8%', align: 'right', render: (l) => `${formatUnitPrice(l.packPrice, 2)}/${l.packUnit}` },
  { key: 'amount', title: '金额（元）', width: '8%', align: 'right', render: (l) => formatFen(l.amount) },
];

export default function PurchaseOrderPrint() {
  const id = Number(useParams().id);
  const order = useApiQuery('orders.get', { id }, { enabled: Number.isInteger(id) && id > 0 });
  const o = order.data;
  return (
    <PrintPage title={o ? `采购订单 ${o.docNo}` : '采购订单'} loading={order.isLoading} error={order.error?.message ?? null} back={`/purchasing/orders/${id}`}>
      {o && (
        <PrintDocument
          hubName={o.hub.name}
          title="药品采购订单"
          docNo={o.docNo}
          orientation="landscape"
          watermark={o.status === 'cancelled' ? '作废' : o.status === 'draft' ? '草稿' : undefined}
          meta={[
            { label: '配送企业', value: o.supplier.name, span: 2 },
            { label: '订单日期', value: o.businessDate },
            { label: '统一社会信用代码', value: o.supplier.creditCode },
            { label: '联系人', value: [o.supplier.contact, o.supplier.phone].filter(Boolean).join(' ') || '—' },
            { label: '订单状态', value: ORDER_STATUS_LABELS[o.status] },
            { label: '收货单位', value: o.hub.name },
            { label: '收货地址', value: o.hub.address ?? '—' },
            { label: '汇总单号', value: o.aggregationDocNo ?? '—' },
          ]}
          columns={COLUMNS}
          rows={o.lines}
          rowKey={(l) => l.id}
          totals={{ label: `合计（${o.lines.length} 个品种）`, cells: { amount: formatFen(o.totalAmount) } }}
          amountInWordsFen={o.totalAmount}
          notes={
            <>
              说明：数量按包装单位订购，折合为最小单位数量；单价为合同价（每包装单位）。请按订单品种、规格、数量配送至{o.hub.name}
              中心药库，随货附批号、有效期及发票。
              {o.note ? ` 备注：${o.note}` : ''}
            </>
          }
          signatures={SIGNATURES.purchaseOrder}
          footer={`制单：${o.createdByName}　制单时间：${dateTime(o.createdAt)}${o.sentAt ? `　发送时间：${dateTime(o.sentAt)}` : ''}`}
        />
      )}
    </PrintPage>
  );
}

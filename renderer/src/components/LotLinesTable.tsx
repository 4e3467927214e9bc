import { Table } from 'antd';
import { DrugName, Money, Qty } from './format';

export interface LotLine {
  id: number;
  drugName: string;
  spec: string;
  batchNo: string;
  expiryDate: string;
  qty: number;
  amount: number | null;
  packSize: number;
  packUnit: string;
  baseUnit: string;
}

/** The lines of a lot-level stock document (return, write-off): drug, batch, expiry, quantity, amount. */
export function LotLinesTable({ lines }: { lines: LotLine[] }) {
  return (
    <Table<LotLine>
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={lines}
      columns={[
        { title: '药品', key: 'drug', render: (_, l) => <DrugName name={l.drugName} spec={l.spec} /> },
        { title: '批号', dataIndex: 'batchNo' },
        { title: '有效期至', dataIndex: 'expiryDate' },
        { title: '数量', dataIndex: 'qty', align: 'right', render: (q: number, l) => <Qty qty={q} drug={l} /> },
        { title: '金额', dataIndex: 'amount', align: 'right', render: (a: number | null) => <Money fen={a} /> },
      ]}
    />
  );
}

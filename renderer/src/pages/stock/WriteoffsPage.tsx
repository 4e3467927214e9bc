import { useState } from 'react';
import { Segmented, Table } from 'antd';
import type { z } from 'zod';
import type { writeoffDetail } from '../../../../shared/contract/stock';
import { WRITEOFF_REASON_LABELS } from '../../../../shared/stock';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { Money, StatusTag, formatDateTime } from '../../components/format';
import { LotLinesTable } from '../../components/LotLinesTable';
import { useSession } from '../../stores/session';
import { DecisionCell, type DecisionWords } from './DecisionCell';
import { NewLotAction } from './NewLotAction';

type Writeoff = z.infer<typeof writeoffDetail>;

const APPROVE_WORDS: DecisionWords = { notePlaceholder: '审批意见（驳回必填）', acceptLabel: '批准', acceptQuestion: '批准后立即扣减库存，确定？' };

/** Write-offs: requested where the stock is (from the stock screen), approved by the pharmacist. */
export default function WriteoffsPage() {
  const role = useSession((s) => s.user?.role);
  const approver = role === 'pharmacist' || role === 'admin';
  const [status, setStatus] = useState<'pending' | 'approved' | 'rejected' | 'cancelled' | undefined>('pending');
  const list = useApiQuery('writeoffs.list', { status });
  const decide = useApiMutation('writeoffs.decide', { success: '已处理' });
  const cancel = useApiMutation('writeoffs.cancel', { success: '已撤回' });
  return (
    <Page
      title="报损"
      subTitle="过期、破损、丢失的药品报损，须药库管理员审批后扣减库存。"
      extra={
        role === 'village_doctor' ? (
          <NewLotAction action="writeoff" storeKinds={['clinic']} />
        ) : approver ? (
          <NewLotAction action="writeoff" storeKinds={['hub', 'clinic']} />
        ) : null
      }
    >
      <Segmented
        style={{ marginBottom: 12 }}
        value={status ?? 'all'}
        onChange={(v) => setStatus(v === 'all' ? undefined : (v as never))}
        options={[
          { value: 'pending', label: '待审批' },
          { value: 'approved', label: '已批准' },
          { value: 'rejected', label: '已驳回' },
          { value: 'all', label: '全部' },
        ]}
      />
      <Table<Writeoff>
        rowKey="id"
        size="middle"
        loading={list.isLoading}
        dataSource={list.data}
        scroll={{ x: 900 }}
        expandable={{
          defaultExpandAllRows: true,
          expandedRowRender: (w) => <LotLinesTable lines={w.lines} />,
        }}
        columns={[
          { title: '单号', dataIndex: 'docNo', width: 150 },
          { title: '库房', dataIndex: 'storeName' },
          { title: '原因', key: 'reason', render: (_, w) => `${WRITEOFF_REASON_LABELS[w.reasonCode]}${w.reason ? `：${w.reason}` : ''}` },
          { title: '金额（元）', dataIndex: 'totalAmount', align: 'right', render: (a: number, w) => (w.status === 'approved' ? <Money fen={a} /> : '') },
          { title: '申请', key: 'created', render: (_, w) => `${w.createdByName} ${formatDateTime(w.createdAt)}` },
          { title: '状态', dataIndex: 'status', width: 90, render: (s: string) => <StatusTag status={s} /> },
          {
            title: '审批',
            key: 'ops',
            width: 300,
            render: (_, w) => (
              <DecisionCell
                request={w}
                waiting={w.status === 'pending'}
                mayDecide={approver}
                words={APPROVE_WORDS}
                onDecide={(approve, note) => decide.mutate({ id: w.id, approve, note })}
                onCancel={() => cancel.mutate({ id: w.id })}
              />
            ),
          },
        ]}
      />
    </Page>
  );
}

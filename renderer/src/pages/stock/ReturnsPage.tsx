import { useState } from 'react';
import { Segmented, Table } from 'antd';
import type { z } from 'zod';
import type { returnDetail } from '../../../../shared/contract/stock';
import { RETURN_REASON_LABELS } from '../../../../shared/stock';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { Money, StatusTag, formatDateTime } from '../../components/format';
import { LotLinesTable } from '../../components/LotLinesTable';
import { useSession } from '../../stores/session';
import { DecisionCell, type DecisionWords } from './DecisionCell';
import { NewLotAction } from './NewLotAction';

type Return = z.infer<typeof returnDetail>;

const RECEIVE_WORDS: DecisionWords = { notePlaceholder: '说明（驳回必填）', acceptLabel: '确认收货', acceptQuestion: '确认已收到退回的药品并入中心库？' };

/** Returns: clinic → hub requests waiting for the hub, and hub → supplier returns. Started from the stock screen. */
export default function ReturnsPage() {
  const role = useSession((s) => s.user?.role);
  const hub = role === 'pharmacist' || role === 'admin';
  const [kind, setKind] = useState<'clinic_to_hub' | 'hub_to_supplier'>('clinic_to_hub');
  const list = useApiQuery('returns.list', { kind });
  const decide = useApiMutation('returns.decide', { success: '已处理' });
  const cancel = useApiMutation('returns.cancel', { success: '已撤回' });
  return (
    <Page
      title="退货"
      subTitle="村卫生室退回中心库须中心库确认收货后过账；退给配送企业直接过账。"
      extra={
        role === 'village_doctor' ? (
          <NewLotAction action="return_to_hub" storeKinds={['clinic']} />
        ) : hub ? (
          <NewLotAction action="return_to_supplier" storeKinds={['hub']} />
        ) : null
      }
    >
      {role !== 'village_doctor' && (
        <Segmented
          style={{ marginBottom: 12 }}
          value={kind}
          onChange={setKind}
          options={[
            { value: 'clinic_to_hub', label: '卫生室退回中心库' },
            { value: 'hub_to_supplier', label: '退给配送企业' },
          ]}
        />
      )}
      <Table<Return>
        rowKey="id"
        size="middle"
        loading={list.isLoading}
        dataSource={list.data}
        scroll={{ x: 900 }}
        expandable={{
          expandedRowRender: (r) => <LotLinesTable lines={r.lines} />,
        }}
        columns={[
          { title: '单号', dataIndex: 'docNo', width: 150 },
          { title: kind === 'clinic_to_hub' ? '村卫生室' : '配送企业', key: 'party', render: (_, r) => r.clinicName ?? r.supplierName },
          { title: '原因', key: 'reason', render: (_, r) => `${RETURN_REASON_LABELS[r.reasonCode]}${r.reason ? `：${r.reason}` : ''}` },
          { title: '金额（元）', dataIndex: 'totalAmount', align: 'right', render: (a: number, r) => (r.status === 'posted' ? <Money fen={a} /> : '') },
          { title: '申请', key: 'created', render: (_, r) => `${r.createdByName} ${formatDateTime(r.createdAt)}` },
          { title: '状态', dataIndex: 'status', width: 90, render: (s: string) => <StatusTag status={s} /> },
          {
            title: '处理',
            key: 'ops',
            width: 300,
            render: (_, r) => (
              <DecisionCell
                request={r}
                waiting={r.status === 'submitted'}
                mayDecide={hub}
                words={RECEIVE_WORDS}
                onDecide={(accept, note) => decide.mutate({ id: r.id, accept, note })}
                onCancel={() => cancel.mutate({ id: r.id })}
              />
            ),
          },
        ]}
      />
    </Page>
  );
}

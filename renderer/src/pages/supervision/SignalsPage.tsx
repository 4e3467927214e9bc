import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Alert, DatePicker, Segmented, Select, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import type { MethodOutput } from '../../../../shared/contract';
import { RULE_KEYS, RULE_TITLES, type RuleKey } from '../../../../shared/supervision';
import { useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { Computing } from '../../components/Computing';
import { toIsoDate } from '../../components/dates';
import { RuleTag, SignalStatus, signalPath } from './labels';
import './supervision.css';
import { hubToday, hubTodayDay } from '../../components/hubClock';
import { addDays } from '../../../../shared/dates';
import { DENSE_LIST } from '../../components/denseTable';
import { useRememberedSearchParams } from '../../components/useRememberedState';

type SignalRow = MethodOutput<'supervision.signals'>['rows'][number];

/** 异常信号: every rule run over a window, newest first; each row opens to its rule, numbers and ledger rows. */
export default function SignalsPage() {
  const { params, patchParams } = useRememberedSearchParams('supervision-signals');
  const navigate = useNavigate();
  const rule = (params.get('rule') as RuleKey | null) ?? undefined;
  const clinicId = params.get('clinic') ? Number(params.get('clinic')) : undefined;
  const status = (params.get('status') as 'active' | 'dismissed' | 'all' | null) ?? 'active';
  const [range, setRange] = useState<[string, string]>(() => [addDays(hubToday(), -89), hubToday()]);
  const set = (key: string, value: string | number | undefined) => patchParams({ [key]: value });
  const clinics = useApiQuery('clinics.list', { includeInactive: false });
  const q = useApiQuery('supervision.signals', { from: range[0], to: range[1], clinicId, ruleKey: rule, status });
  const counts = useApiQuery('supervision.signals', { from: range[0], to: range[1], clinicId, status });

  return (
    <Page
      title="异常信号"
      subTitle="按规则从台账、追溯码和医保结算明细中找出的可疑用药：突增、超出配送、串换、整数重复、休息日用药、盘亏集中、追溯码异常、结算与发药不符"
      extra={
        <>
          <Link to="/supervision/rules">规则与阈值设置</Link>
          <Select
            allowClear
            placeholder="全部村卫生室"
            style={{ width: 200 }}
            value={clinicId}
            onChange={(v) => set('clinic', v)}
            options={clinics.data?.map((c) => ({ value: c.id, label: `${c.code} ${c.name}` }))}
            aria-label="村卫生室"
          />
          <DatePicker.RangePicker
            allowClear={false}
            value={[dayjs(range[0]), dayjs(range[1])]}
            onChange={(v) => v?.[0] && v[1] && setRange([toIsoDate(v[0])!, toIsoDate(v[1])!])}
            presets={[
              { label: '近 30 天', value: [hubTodayDay().subtract(29, 'day'), hubTodayDay()] },
              { label: '近 90 天', value: [hubTodayDay().subtract(89, 'day'), hubTodayDay()] },
              { label: '近半年', value: [hubTodayDay().subtract(6, 'month'), hubTodayDay()] },
            ]}
            aria-label="日期范围"
          />
          <Segmented
            value={status}
            onChange={(v) => set('status', v === 'active' ? undefined : (v as string))}
            options={[
              { value: 'active', label: '待处理' },
              { value: 'dismissed', label: '已排除' },
              { value: 'all', label: '全部' },
            ]}
          />
        </>
      }
    >
      <Segmented
        // Ten rules do not fit one row on a laptop: they wrap rather than widen the page (styles.css).
        className="signal-rules"
        style={{ marginBottom: 12, maxWidth: '100%' }}
        value={rule ?? 'all'}
        onChange={(v) => set('rule', v === 'all' ? undefined : (v as string))}
        options={[
          { value: 'all', label: `全部规则 ${counts.data ? counts.data.rows.length : ''}` },
          ...RULE_KEYS.map((k) => ({ value: k, label: `${RULE_TITLES[k]} ${counts.data?.rules.find((r) => r.key === k)?.count ?? ''}` })),
        ]}
      />
      <Computing query={q} what={`按规则检查 ${range[0]} 至 ${range[1]} 的台账、追溯码与结算明细`} />
      {q.error && <Alert type="error" showIcon title={q.error.message} style={{ marginBottom: 12 }} />}
      <Table<SignalRow>
        rowKey="fingerprint"
        {...DENSE_LIST}
        dataSource={q.data?.rows}
        pagination={{ pageSize: 50, hideOnSinglePage: true, showTotal: (n) => `共 ${n} 条` }}
        locale={{ emptyText: q.data === undefined ? '计算完成后在此列出' : status === 'dismissed' ? '没有已排除的信号' : '这段时间没有异常信号' }}
        onRow={(r) => ({ onClick: () => navigate(signalPath(r.fingerprint)), style: { cursor: 'pointer' } })}
        scroll={{ x: 1100 }}
        columns={[
          { title: '规则', dataIndex: 'ruleKey', width: 150, render: (k: RuleKey, r) => <RuleTag rule={k} title={r.ruleTitle} /> },
          { title: '村卫生室', key: 'clinic', width: 140, render: (_, r) => `${r.clinicCode} ${r.clinicName}` },
          {
            title: '药品',
            key: 'drugs',
            width: 220,
            render: (_, r) =>
              r.drugs.length === 0 ? '—' : r.ruleKey === 'closed' ? `${r.drugs.length} 种药品` : r.drugs.map((d) => `${d.name} ${d.spec}`).join(' ↔ '),
          },
          { title: '期间', key: 'period', width: 190, render: (_, r) => `${r.periodFrom} 至 ${r.periodTo}` },
          { title: '情况', dataIndex: 'summary', render: (s: string) => <Typography.Text>{s}</Typography.Text> },
          { title: '台账行', dataIndex: 'ledgerCount', width: 70, align: 'right' },
          { title: '状态', dataIndex: 'status', width: 90, render: (s: SignalRow['status']) => <SignalStatus status={s} /> },
          {
            title: '',
            key: 'open',
            width: 60,
            render: (_, r) => (
              <Link to={signalPath(r.fingerprint)} onClick={(e) => e.stopPropagation()}>
                查看
              </Link>
            ),
          },
        ]}
      />
    </Page>
  );
}

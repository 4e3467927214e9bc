import { useState } from 'react';
import { Alert, App, Button, Input, Select, Space, Table, Tooltip, Typography } from 'antd';
import { DownloadOutlined, PlusOutlined, UploadOutlined, WarningOutlined } from '@ant-design/icons';
import { keepPreviousData } from '@tanstack/react-query';
import type { DrugDetail, InsuranceClass } from '../../../../shared/contract/catalog';
import { formatPack } from '../../../../shared/units';
import { call } from '../../api/client';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { useSession } from '../../stores/session';
import { Page } from '../../components/Page';
import { DrugBadges } from '../../components/DrugPicker';
import { DrugFormDrawer } from './DrugFormDrawer';
import { ImportCatalogModal } from './ImportCatalogModal';
import { downloadBase64 } from './files';
import { yuan } from './fields';
import { usePageShortcut, useShortcutTitle } from '../../app/shortcuts';
import { DENSE_LIST } from '../../components/denseTable';
import { formatChinaDateTime } from '../../components/hubClock';

type Status = 'active' | 'inactive' | 'all';

/** 药品目录: the hub's drugs, with filters, the edit drawer, Excel import and export. */
export default function DrugsPage() {
  const { message, modal } = App.useApp();
  const role = useSession((s) => s.user?.role);
  const canEdit = role === 'admin' || role === 'pharmacist';
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<Status>('active');
  const [vbp, setVbp] = useState<boolean | undefined>();
  const [essential, setEssential] = useState<boolean | undefined>();
  const [insuranceClass, setInsuranceClass] = useState<InsuranceClass | undefined>();
  const [supplierId, setSupplierId] = useState<number | undefined>();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(50);
  const [editing, setEditing] = useState<{ drug: DrugDetail | null } | null>(null);
  const [importing, setImporting] = useState(false);
  const [exporting, setExporting] = useState(false);

  const list = useApiQuery(
    'catalog.list',
    { q: q || undefined, status, vbp, essential, insuranceClass, supplierId, page, pageSize },
    { placeholderData: keepPreviousData },
  );
  const suppliers = useApiQuery('suppliers.list', { includeInactive: true });
  // Only the import roles may ask (and see the notice); for others the query never runs and there is no data.
  const cutOff = useApiQuery('catalog.importInterrupted', {}, { enabled: canEdit }).data;
  const setActive = useApiMutation('catalog.setActive', {});
  const filter =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setPage(1);
    };

  async function exportAll() {
    setExporting(true);
    try {
      const file = await call('catalog.export', { includeInactive: true });
      downloadBase64(file.filename, file.base64);
      message.success(`已导出 ${file.filename}`);
    } catch (err) {
      message.error((err as Error).message);
    } finally {
      setExporting(false);
    }
  }

  usePageShortcut('add', '新增药品', () => setEditing({ drug: null }), canEdit && editing === null);
  const addTitle = useShortcutTitle('add');

  function toggle(d: DrugDetail) {
    if (!d.active) return setActive.mutate({ id: d.id, active: true }, { onSuccess: () => message.success(`已启用 ${d.genericName}`) });
    modal.confirm({
      title: `停用 ${d.genericName}（${d.spec}）？`,
      content: '停用后检索和新单据中不再出现；已有单据和库存记录不受影响，可随时重新启用。',
      okText: '停用',
      okButtonProps: { danger: true },
      cancelText: '取消',
      onOk: () => setActive.mutateAsync({ id: d.id, active: false }).then(() => message.success(`已停用 ${d.genericName}`)),
    });
  }

  return (
    <Page
      title="药品目录"
      subTitle="医保编码、规格包装、医保类别、集采中选与默认配送企业；采购、出入库和结算都以此为准"
      extra={
        <>
          {canEdit && (
            <Button icon={<UploadOutlined />} onClick={() => setImporting(true)}>
              导入 Excel
            </Button>
          )}
          <Button icon={<DownloadOutlined />} loading={exporting} onClick={exportAll}>
            导出 Excel
          </Button>
          {canEdit && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ drug: null })} title={addTitle}>
              新增药品
            </Button>
          )}
        </>
      }
    >
      {cutOff && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={`药品目录导入未完成：${cutOff.filename}`}
          description={`${formatChinaDateTime(cutOff.startedAt, false)}${cutOff.startedBy ? ` ${cutOff.startedBy}` : ''}开始分 ${cutOff.batches} 批写入 ${cutOff.drugs.toLocaleString('zh-CN')} 种药品，写入 ${cutOff.writtenBatches} 批（${cutOff.writtenDrugs.toLocaleString('zh-CN')} 种）后中断（程序退出、断电或被停止）。已写入的药品保留，其余未导入：重新导入同一文件即可补齐，已写入的行显示为“无变化”。`}
          action={
            <Button size="small" onClick={() => setImporting(true)}>
              重新导入
            </Button>
          }
        />
      )}
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search allowClear placeholder="名称、拼音首字母、医保编码、批准文号" style={{ width: 300 }} onSearch={filter(setQ)} aria-label="检索药品" />
        <Select<Status>
          value={status}
          onChange={filter(setStatus)}
          style={{ width: 110 }}
          aria-label="状态"
          options={[
            { value: 'active', label: '启用中' },
            { value: 'inactive', label: '已停用' },
            { value: 'all', label: '全部状态' },
          ]}
        />
        <Select
          allowClear
          placeholder="集采"
          value={vbp}
          onChange={filter(setVbp)}
          style={{ width: 110 }}
          aria-label="集采"
          options={[
            { value: true, label: '集采中选' },
            { value: false, label: '非集采' },
          ]}
        />
        <Select
          allowClear
          placeholder="医保类别"
          value={insuranceClass}
          onChange={filter(setInsuranceClass)}
          style={{ width: 110 }}
          aria-label="医保类别"
          options={[
            { value: 'A', label: '甲类' },
            { value: 'B', label: '乙类' },
            { value: 'none', label: '非医保' },
          ]}
        />
        <Select
          allowClear
          placeholder="基本药物"
          value={essential}
          onChange={filter(setEssential)}
          style={{ width: 110 }}
          aria-label="基本药物"
          options={[
            { value: true, label: '基本药物' },
            { value: false, label: '非基药' },
          ]}
        />
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder="配送企业"
          value={supplierId}
          onChange={filter(setSupplierId)}
          style={{ width: 200 }}
          aria-label="配送企业"
          options={suppliers.data?.map((s) => ({ value: s.id, label: s.active ? s.name : `${s.name}（已停用）` }))}
        />
      </Space>
      <Table<DrugDetail>
        rowKey="id"
        {...DENSE_LIST}
        loading={list.isFetching}
        dataSource={list.data?.rows}
        scroll={{ x: 1270 }}
        onRow={(d) => ({ onDoubleClick: () => setEditing({ drug: d }) })}
        pagination={{
          current: page,
          pageSize,
          total: list.data?.total ?? 0,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100, 200],
          showTotal: (total) => `共 ${total} 种`,
          onChange: (p, s) => {
            setPage(s !== pageSize ? 1 : p);
            setPageSize(s);
          },
        }}
        columns={[
          {
            title: '通用名 / 商品名',
            key: 'name',
            fixed: 'left',
            width: 300,
            render: (_, d) => (
              <div>
                <Button type="link" size="small" style={{ padding: 0, fontWeight: 600, height: 'auto' }} onClick={() => setEditing({ drug: d })}>
                  {d.genericName}
                </Button>
                {d.tradeName && <Typography.Text type="secondary">（{d.tradeName}）</Typography.Text>}
                <div>
                  <DrugBadges hit={d} />
                </div>
              </div>
            ),
          },
          {
            title: '剂型 / 规格',
            key: 'form',
            width: 120,
            render: (_, d) => (
              <div>
                <div>{d.spec}</div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {d.dosageForm}
                </Typography.Text>
              </div>
            ),
          },
          { title: '包装', key: 'pack', width: 84, render: (_, d) => formatPack(d.packSize, d.packUnit, d.baseUnit) },
          {
            title: '生产企业 / 批准文号',
            key: 'mfr',
            width: 200,
            ellipsis: true,
            render: (_, d) => (
              <div style={{ overflow: 'hidden' }}>
                <Tooltip title={d.manufacturer}>
                  <div style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{d.manufacturer}</div>
                </Tooltip>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {d.approvalNo ?? '—'}
                </Typography.Text>
              </div>
            ),
          },
          {
            title: '医保编码',
            key: 'codes',
            width: 200,
            render: (_, d) => (
              <Typography.Text code copyable={{ text: d.nhsaCode, tooltips: ['复制医保编码', '已复制'] }} style={{ fontSize: 12 }}>
                {d.nhsaCode}
              </Typography.Text>
            ),
          },
          {
            title: '中选价',
            key: 'prices',
            width: 110,
            align: 'right',
            render: (_, d) => (
              <div>
                {d.vbp ? <Typography.Text strong>{yuan(d.vbpPrice)}</Typography.Text> : <Typography.Text type="secondary">—</Typography.Text>}
                {d.referencePrice !== null && (
                  <div>
                    <Typography.Text type="secondary" delete={d.vbp}>
                      {yuan(d.referencePrice)}
                    </Typography.Text>
                  </div>
                )}
              </div>
            ),
          },
          {
            title: '默认配送企业',
            key: 'supplier',
            width: 180,
            render: (_, d) =>
              d.defaultSupplierName ? (
                <Space size={4}>
                  <span>{d.defaultSupplierName}</span>
                  {d.defaultSupplierPrice === null ? (
                    <Tooltip title="该企业尚未为此药品报合同价">
                      <WarningOutlined style={{ color: '#faad14' }} aria-label="无合同价" />
                    </Tooltip>
                  ) : (
                    <Typography.Text type="secondary">{yuan(d.defaultSupplierPrice)}</Typography.Text>
                  )}
                </Space>
              ) : (
                <Typography.Text type="secondary">未指定</Typography.Text>
              ),
          },
          ...(canEdit
            ? [
                {
                  title: '操作',
                  key: 'actions',
                  width: 110,
                  fixed: 'right' as const,
                  render: (_: unknown, d: DrugDetail) => (
                    <Space size={0}>
                      <Button type="link" size="small" onClick={() => setEditing({ drug: d })}>
                        编辑
                      </Button>
                      <Button type="link" size="small" danger={d.active} onClick={() => toggle(d)}>
                        {d.active ? '停用' : '启用'}
                      </Button>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <DrugFormDrawer open={editing !== null} drug={editing?.drug ?? null} readOnly={!canEdit} onClose={() => setEditing(null)} />
      <ImportCatalogModal open={importing} onClose={() => setImporting(false)} />
    </Page>
  );
}

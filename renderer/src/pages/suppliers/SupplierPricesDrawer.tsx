import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, App, Button, Drawer, Grid, Input, Space, Switch, Table, Tag, Tooltip, Typography } from 'antd';
import type { InputRef } from 'antd';
import type { SupplierPriceRow, SupplierRow } from '../../../../shared/contract/suppliers';
import type { DrugHit } from '../../../../shared/contract/catalog';
import { formatPack } from '../../../../shared/units';
import { call } from '../../api/client';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import './suppliers.css';
import { DrugPicker, type DrugPickerHandle } from '../../components/DrugPicker';
import { PRICE_PATTERN, priceFromText, priceToText, yuan } from '../catalog/fields';

/** One line of the price list being edited. */
interface Line {
  drugId: number;
  genericName: string;
  tradeName: string | null;
  spec: string;
  packLabel: string;
  packUnit: string;
  manufacturer: string;
  vbp: boolean;
  vbpPrice: number | null;
  isDefault: boolean;
  /** What is saved now (null: a new line). */
  saved: { packPrice: number; active: boolean } | null;
  text: string;
  active: boolean;
}

const fromRow = (p: SupplierPriceRow): Line => ({
  drugId: p.drugId,
  genericName: p.genericName,
  tradeName: p.tradeName,
  spec: p.spec,
  packLabel: formatPack(p.packSize, p.packUnit, p.baseUnit),
  packUnit: p.packUnit,
  manufacturer: p.manufacturer,
  vbp: p.vbp,
  vbpPrice: p.vbpPrice,
  isDefault: p.isDefault,
  saved: { packPrice: p.packPrice, active: p.active },
  text: priceToText(p.packPrice) ?? '',
  active: p.active,
});

const changed = (l: Line) => {
  const price = priceFromText(l.text);
  return l.saved === null ? true : price !== l.saved.packPrice || l.active !== l.saved.active;
};

/**
 * A supplier's contract prices: which drugs it delivers at which price per pack. Add drugs with the
 * picker (keyboard: type, ↑↓, Enter, then type the price), edit prices, stop supplying; save at once.
 */
export function SupplierPricesDrawer({ supplier, readOnly, onClose }: { supplier: SupplierRow | null; readOnly: boolean; onClose(): void }) {
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const open = supplier !== null;
  const prices = useApiQuery('suppliers.prices', { supplierId: supplier?.id ?? 0, includeInactive: true }, { enabled: open });
  const [lines, setLines] = useState<Line[]>([]);
  const [filter, setFilter] = useState('');
  const focusDrug = useRef<number | null>(null);
  const inputs = useRef(new Map<number, InputRef>());
  const picker = useRef<DrugPickerHandle>(null);
  const save = useApiMutation('suppliers.setPrices', {
    success: '合同价已保存',
  });

  useEffect(() => {
    if (prices.data) setLines(prices.data.map(fromRow));
  }, [prices.data]);
  useEffect(() => {
    if (!open) {
      setLines([]);
      setFilter('');
    }
  }, [open]);
  useEffect(() => {
    const id = focusDrug.current;
    if (id === null) return;
    focusDrug.current = null;
    // The picker leaves the focus to this drawer (focusAfterSelect="caller"): the price is typed next.
    inputs.current.get(id)?.focus();
  });

  const invalid = lines.filter((l) => !PRICE_PATTERN.test(l.text.trim()));
  const pending = lines.filter(changed);
  const shown = useMemo(() => {
    const k = filter.trim();
    return k ? lines.filter((l) => l.genericName.includes(k) || (l.tradeName ?? '').includes(k) || l.manufacturer.includes(k)) : lines;
  }, [lines, filter]);

  function add(hit: DrugHit) {
    if (lines.some((l) => l.drugId === hit.id)) {
      focusDrug.current = hit.id;
      setLines([...lines]);
      return;
    }
    setLines([
      {
        drugId: hit.id,
        genericName: hit.genericName,
        tradeName: hit.tradeName,
        spec: hit.spec,
        packLabel: formatPack(hit.packSize, hit.packUnit, hit.baseUnit),
        packUnit: hit.packUnit,
        manufacturer: hit.manufacturer,
        vbp: hit.vbp,
        vbpPrice: null,
        isDefault: false,
        saved: null,
        text: '',
        active: true,
      },
      ...lines,
    ]);
    setFilter('');
    focusDrug.current = hit.id;
    // 集采 drugs are bought at their winning price: fetch it, and offer it while the box is still empty.
    if (hit.vbp) {
      void call('catalog.get', { id: hit.id }).then((d) =>
        setLines((ls) => ls.map((l) => (l.drugId === hit.id ? { ...l, vbpPrice: d.vbpPrice, text: l.text || (priceToText(d.vbpPrice) ?? '') } : l))),
      );
    }
  }

  const edit = (drugId: number, patch: Partial<Line>) => setLines((ls) => ls.map((l) => (l.drugId === drugId ? { ...l, ...patch } : l)));

  function submit() {
    if (invalid.length) {
      message.error(`有 ${invalid.length} 个价格未填写或格式不对：以元为单位，最多 4 位小数`);
      focusDrug.current = invalid[0].drugId;
      setLines([...lines]);
      return;
    }
    if (!supplier || pending.length === 0) return;
    save.mutate({ supplierId: supplier.id, prices: pending.map((l) => ({ drugId: l.drugId, packPrice: priceFromText(l.text)!, active: l.active })) });
  }

  const canAddDrugs = !readOnly && Boolean(supplier?.active);

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={screens.md ? 980 : '100%'}
      title={supplier ? `合同价：${supplier.name}` : ''}
      destroyOnHidden
      // Where the drug picker is shown it gets the focus once the drawer is open, not the drawer's panel.
      autoFocus={!canAddDrugs}
      afterOpenChange={(isOpen) => {
        if (isOpen) picker.current?.focus();
      }}
      extra={
        <Space>
          <Button onClick={onClose}>关闭</Button>
          {!readOnly && (
            <Button type="primary" disabled={pending.length === 0} loading={save.isPending} onClick={submit}>
              保存{pending.length ? `（${pending.length} 项）` : ''}
            </Button>
          )}
        </Space>
      }
    >
      {supplier && !supplier.active && <Alert type="warning" showIcon style={{ marginBottom: 12 }} title="该企业已停用，不能设置合同价。" />}
      <Space direction="vertical" style={{ width: '100%' }} size={12}>
        {canAddDrugs && (
          <div>
            <Typography.Text strong>添加药品</Typography.Text>
            <Typography.Text type="secondary">（输入名称或拼音首字母，↑↓ 选择，Enter 添加后直接输入价格）</Typography.Text>
            <div style={{ marginTop: 6 }}>
              <DrugPicker
                ref={picker}
                onSelect={add}
                focusAfterSelect="caller"
                autoFocus
                placeholder="添加药品：如 amxl、阿莫西林、XJ01CA…"
                excludeIds={lines.map((l) => l.drugId)}
              />
            </div>
          </div>
        )}
        <Input.Search allowClear placeholder="在已报价药品中筛选" style={{ maxWidth: 300 }} onChange={(e) => setFilter(e.target.value)} value={filter} />
        <Table<Line>
          rowKey="drugId"
          size="small"
          loading={prices.isLoading}
          dataSource={shown}
          pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
          scroll={{ x: 860 }}
          locale={{ emptyText: '尚无合同价：用上面的检索框添加药品' }}
          rowClassName={(l) => (changed(l) ? 'price-line-changed' : '')}
          columns={[
            {
              title: '药品',
              key: 'drug',
              render: (_, l) => (
                <div>
                  <Typography.Text strong>{l.genericName}</Typography.Text>
                  {l.tradeName && <Typography.Text type="secondary">（{l.tradeName}）</Typography.Text>} {l.vbp && <Tag color="red">集采</Tag>}
                  {l.isDefault && <Tag color="blue">默认企业</Tag>}
                  <div>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {l.spec} · {l.packLabel} · {l.manufacturer}
                    </Typography.Text>
                  </div>
                </div>
              ),
            },
            {
              title: '合同价（元/包装）',
              key: 'price',
              width: 200,
              render: (_, l) => {
                const price = priceFromText(l.text);
                const bad = !PRICE_PATTERN.test(l.text.trim());
                const offVbp = l.vbp && l.vbpPrice !== null && price !== null && price !== l.vbpPrice;
                return (
                  <Space direction="vertical" size={0}>
                    <Input
                      ref={(el) => {
                        if (el) inputs.current.set(l.drugId, el);
                      }}
                      value={l.text}
                      disabled={readOnly || !supplier?.active}
                      status={bad && l.text !== '' ? 'error' : undefined}
                      inputMode="decimal"
                      suffix={`元/${l.packUnit}`}
                      aria-label={`${l.genericName} ${l.spec} 合同价`}
                      onChange={(e) => edit(l.drugId, { text: e.target.value })}
                      onPressEnter={submit}
                    />
                    {offVbp && (
                      <Tooltip title="集采药品应按中选价格采购">
                        <Typography.Text type="warning" style={{ fontSize: 12 }}>
                          与中选价 {yuan(l.vbpPrice)} 不一致
                        </Typography.Text>
                      </Tooltip>
                    )}
                  </Space>
                );
              },
            },
            {
              title: '供应',
              key: 'active',
              width: 90,
              render: (_, l) => (
                <Switch
                  size="small"
                  disabled={readOnly || !supplier?.active}
                  checked={l.active}
                  checkedChildren="供应"
                  unCheckedChildren="停供"
                  onChange={(active) => edit(l.drugId, { active })}
                />
              ),
            },
            {
              title: '',
              key: 'state',
              width: 90,
              render: (_, l) => (l.saved === null ? <Tag color="green">新增</Tag> : changed(l) ? <Tag color="orange">已修改</Tag> : null),
            },
          ]}
        />
      </Space>
    </Drawer>
  );
}

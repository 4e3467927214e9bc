import { useState } from 'react';
import { Button, Card, Empty, Modal, Select, Space, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { DrugHit } from '../../../../shared/contract/catalog';
import type { StoreRow } from '../../../../shared/contract/stock';
import { useApiQuery } from '../../api/hooks';
import { DrugPicker } from '../../components/DrugPicker';
import { Qty } from '../../components/format';
import { useSession } from '../../stores/session';
import { LotActionModal, type LotAction, type LotActionTarget } from './LotActionModal';
import { ScanInput, type ScanResult } from '../../components/ScanInput';
import { call } from '../../api/client';
import { useApiLookup } from '../trace/useTraceLookup';
import { usePageShortcut, useShortcutTitle } from '../../app/shortcuts';

const LABELS: Record<LotAction, string> = { writeoff: '新建报损', return_to_hub: '新建退货', return_to_supplier: '新建退货' };

/**
 * 新建退货 / 新建报损 from the list pages: which store (a village doctor: their own), which drug (the picker,
 * showing what the store holds), which lot — then the same form as from the stock screen. Big targets, one
 * column: a doctor does it on a phone.
 */
export function NewLotAction({ action, storeKinds }: { action: LotAction; storeKinds: StoreRow['kind'][] }) {
  const user = useSession((s) => s.user)!;
  const [open, setOpen] = useState(false);
  const [storeId, setStoreId] = useState<number>();
  const [drug, setDrug] = useState<DrugHit | null>(null);
  const [target, setTarget] = useState<LotActionTarget | null>(null);
  const stores = useApiQuery('stock.stores', {}, { enabled: open });
  const choices = (stores.data ?? []).filter((s) => storeKinds.includes(s.kind));
  const store = choices.find((s) => s.id === storeId) ?? (choices.length === 1 || user.role === 'village_doctor' ? choices[0] : undefined);
  const lots = useApiQuery('stock.lots', { storeId: store?.id ?? 0, drugId: drug?.id ?? 0 }, { enabled: !!store && !!drug });
  const close = () => {
    setOpen(false);
    setDrug(null);
  };
  const lookup = useApiLookup();
  usePageShortcut('add', LABELS[action], () => setOpen(true), !open && target === null);
  const addTitle = useShortcutTitle('add');

  /** Scanning a box picks its drug and batch at once: the form opens with that box on it. */
  async function scanBox(code: string): Promise<ScanResult> {
    if (!store) return { tone: 'error', message: '请先选择库房' };
    const found = await lookup(code);
    if (!found.drug) return { tone: 'error', message: `认不出追溯码 ${code} 是哪种药品` };
    if (!found.box) return { tone: 'error', message: `追溯码 ${code} 卫生院从未入库，不能退货或报损` };
    const held = await call('stock.lots', { storeId: store.id, drugId: found.drug.drugId });
    const lot = held.find((l) => l.batchNo === found.box!.batchNo);
    if (!lot || found.box.storeName !== store.name) {
      return { tone: 'error', message: `追溯码 ${code} 这盒药不在${store.name}（${found.box.storeName ? `账上在 ${found.box.storeName}` : '已不在库'}）` };
    }
    const d = found.drug;
    setTarget({
      action,
      store,
      lot,
      drug: { drugId: d.drugId, genericName: d.drugName, spec: d.spec, packSize: d.packSize, packUnit: d.packUnit, baseUnit: d.baseUnit },
      codes: [code],
    });
    close();
    return { tone: 'ok', message: `${d.drugName} 批号 ${lot.batchNo}` };
  }
  return (
    <>
      <Button type="primary" size="large" icon={<PlusOutlined />} onClick={() => setOpen(true)} title={addTitle}>
        {LABELS[action]}
      </Button>
      <Modal open={open} title={LABELS[action]} footer={null} onCancel={close} destroyOnHidden>
        <Space orientation="vertical" style={{ width: '100%' }} size={12}>
          {choices.length > 1 && (
            <Select
              style={{ width: '100%' }}
              size="large"
              placeholder="库房"
              value={store?.id}
              onChange={(id) => {
                setStoreId(id);
                setDrug(null);
              }}
              options={choices.map((s) => ({ value: s.id, label: s.clinicCode ? `${s.clinicCode} ${s.name}` : s.name }))}
              showSearch={{ optionFilterProp: 'label' }}
              aria-label="库房"
            />
          )}
          {store && <ScanInput label="扫码" placeholder="扫药盒追溯码（回车）：直接选中药品和批次" onScan={scanBox} />}
          {store && <DrugPicker storeId={store.id} onSelect={setDrug} focusAfterSelect="caller" size="large" placeholder="药品：拼音首字母、名称或医保编码" />}
          {drug && (
            <>
              <Typography.Text strong>
                {drug.genericName} {drug.spec}：选择批次
              </Typography.Text>
              {lots.data?.length === 0 && <Empty description={`${store?.name ?? ''}没有这种药品的库存`} />}
              {lots.data?.map((lot) => (
                <Card
                  key={lot.lotId}
                  size="small"
                  hoverable
                  className="lot-choice"
                  role="button"
                  aria-label={`批号 ${lot.batchNo}`}
                  onClick={() => {
                    if (!store) return;
                    setTarget({
                      action,
                      store,
                      lot,
                      drug: {
                        drugId: drug.id,
                        genericName: drug.genericName,
                        spec: drug.spec,
                        packSize: drug.packSize,
                        packUnit: drug.packUnit,
                        baseUnit: drug.baseUnit,
                      },
                    });
                    close();
                  }}
                >
                  <Space wrap size={6}>
                    <span>批号 {lot.batchNo}</span>
                    <span>有效期至 {lot.expiryDate}</span>
                    {lot.expired && <Tag color="red">已过期</Tag>}
                    {lot.nearExpiry && <Tag color="orange">近效期</Tag>}
                    <span>
                      现有 <Qty qty={lot.qty} drug={drug} />
                    </span>
                  </Space>
                </Card>
              ))}
            </>
          )}
        </Space>
      </Modal>
      <LotActionModal target={target} onClose={() => setTarget(null)} />
    </>
  );
}

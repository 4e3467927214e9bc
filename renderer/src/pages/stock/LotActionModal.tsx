import { useEffect, useState } from 'react';
import { Alert, Form, Input, Modal, Select, Space, Tag } from 'antd';
import type { z } from 'zod';
import type { lotBalance, StoreRow } from '../../../../shared/contract/stock';
import { RETURN_REASON_LABELS, WRITEOFF_REASON_LABELS } from '../../../../shared/stock';
import { useApiMutation } from '../../api/hooks';
import { Qty } from '../../components/format';
import { QtyInput } from '../../components/QtyInput';
import { formatQty } from '../../../../shared/units';
import { ScanInput } from '../../components/ScanInput';

type Lot = z.infer<typeof lotBalance>;
export type LotAction = 'writeoff' | 'return_to_hub' | 'return_to_supplier';
export interface LotActionTarget {
  action: LotAction;
  store: StoreRow;
  lot: Lot;
  drug: { drugId: number; genericName: string; spec: string; packSize: number; packUnit: string; baseUnit: string };
  /** Boxes already scanned (the box that chose this lot). */
  codes?: string[];
}

const TITLES: Record<LotAction, string> = { writeoff: '报损申请', return_to_hub: '退回中心库', return_to_supplier: '退货给配送企业' };

/** Starts a write-off or a return of one lot, from the stock on hand where the user sees it. */
export function LotActionModal({ target, onClose }: { target: LotActionTarget | null; onClose(): void }) {
  const [form] = Form.useForm();
  const [qty, setQty] = useState<number | null>(null);
  const [qtyProblem, setQtyProblem] = useState<string | null>(null);
  const [codes, setCodes] = useState<string[]>([]);
  useEffect(() => {
    setCodes(target?.codes ?? []);
    setQty(target?.codes?.length ? target.codes.length * target.drug.packSize : null);
    setQtyProblem(null);
  }, [target]);
  const writeoff = useApiMutation('writeoffs.create', {
    form,
    success: '报损申请已提交，等待药库管理员审批',
    onSuccess: onClose,
  });
  const ret = useApiMutation('returns.create', {
    form,
    onSuccess: onClose,
    success: target?.action === 'return_to_supplier' ? '已退货给配送企业并过账' : '退货申请已提交，等待中心库确认收货',
  });
  if (!target) return null;
  const { action, lot, drug, store } = target;

  function submit(v: { reasonCode: string; reason?: string }) {
    if (!qty) return setQtyProblem('请填写数量');
    // Said, not clamped: the person sees what the lot holds and corrects the number themselves.
    if (qty > lot.qty) return setQtyProblem(`批号 ${lot.batchNo} 只有 ${formatQty(lot.qty, drug.packSize, drug.packUnit, drug.baseUnit)}`);
    const lines = [{ lotId: lot.lotId, qty, traceCodes: codes }];
    if (action === 'writeoff') writeoff.mutate({ storeId: store.id, reasonCode: v.reasonCode as never, reason: v.reason ?? null, lines });
    else if (action === 'return_to_hub')
      ret.mutate({ kind: 'clinic_to_hub', clinicId: store.clinicId ?? undefined, reasonCode: v.reasonCode as never, reason: v.reason ?? null, lines });
    else ret.mutate({ kind: 'hub_to_supplier', supplierId: lot.supplierId ?? undefined, reasonCode: v.reasonCode as never, reason: v.reason ?? null, lines });
  }

  /** Each scanned box counts one pack, unless more was typed; the server checks the box is on this shelf and batch. */
  function scanBox(code: string) {
    if (codes.includes(code)) return { tone: 'warn' as const, message: `${code} 已经扫过` };
    const next = [...codes, code];
    setCodes(next);
    setQty((q) => Math.max(q ?? 0, next.length * drug.packSize));
    setQtyProblem(null);
    return { tone: 'ok' as const, message: `已扫 ${next.length} 盒` };
  }

  const reasons = action === 'writeoff' ? WRITEOFF_REASON_LABELS : RETURN_REASON_LABELS;
  return (
    <Modal
      open
      title={`${TITLES[action]}：${drug.genericName} ${drug.spec}`}
      okText="提交"
      cancelText="取消"
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={writeoff.isPending || ret.isPending}
      destroyOnHidden
    >
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 12 }}
        title={
          <span>
            批号 {lot.batchNo}，有效期至 {lot.expiryDate}，现有 <Qty qty={lot.qty} drug={drug} />
          </span>
        }
      />
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ reasonCode: lot.expired ? (action === 'writeoff' ? 'expired' : 'near_expiry') : undefined }}
      >
        <Form.Item label="药盒追溯码（可不扫）">
          <ScanInput label="扫码" placeholder="扫要处理的药盒（回车）" autoFocus={false} onScan={scanBox} />
          {codes.length > 0 && (
            <Space wrap size={4} style={{ marginTop: 6 }} aria-label="已扫药盒">
              {codes.map((c) => (
                <Tag key={c} closable onClose={() => setCodes(codes.filter((x) => x !== c))}>
                  {c}
                </Tag>
              ))}
            </Space>
          )}
        </Form.Item>
        <Form.Item label="数量" required validateStatus={qtyProblem ? 'error' : undefined} help={qtyProblem}>
          <QtyInput
            drug={drug}
            value={qty}
            onChange={(q) => {
              setQty(q);
              setQtyProblem(null);
            }}
            autoFocus
            size="large"
          />
        </Form.Item>
        {action === 'return_to_supplier' && <Form.Item label="退给">{lot.supplierName ?? '（该批次没有记录配送企业）'}</Form.Item>}
        <Form.Item name="reasonCode" label="原因" rules={[{ required: true, message: '请选择原因' }]}>
          <Select options={Object.entries(reasons).map(([value, label]) => ({ value, label }))} />
        </Form.Item>
        <Form.Item name="reason" label="说明">
          <Input.TextArea maxLength={200} autoSize />
        </Form.Item>
      </Form>
    </Modal>
  );
}

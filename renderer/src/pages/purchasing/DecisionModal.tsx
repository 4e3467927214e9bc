import { useEffect, useState } from 'react';
import { Alert, Button, Form, Input, Modal, Typography } from 'antd';
import type { RequisitionLine } from '../../../../shared/contract/requisitions';
import { QtyInput, type QtyUnit } from '../../components/QtyInput';
import { BOOK_HIDDEN_TEXT } from '../../../../shared/stocktake';
import { qtyText } from './format';

export interface DecisionDraft {
  line: RequisitionLine;
  mode: 'adjusted' | 'rejected';
}

const REASONS = {
  adjusted: ['超过近三月用量', '药库库存不足，先发部分', '按整包装调整', '与上次请领间隔过短'],
  rejected: ['药库暂无此药', '已改用集采药品', '非本室常用药', '库存充足，暂不需要'],
};

/** Adjust (new quantity + reason) or reject (reason) one requisition line. */
export function DecisionModal({
  draft,
  onClose,
  onSubmit,
  saving,
}: {
  draft: DecisionDraft | null;
  onClose(): void;
  onSubmit(qty: number | undefined, reason: string): void;
  saving: boolean;
}) {
  const [form] = Form.useForm<{ reason: string }>();
  const [qty, setQty] = useState<number | null>(null);
  const [unit, setUnit] = useState<QtyUnit>('pack');
  const [qtyError, setQtyError] = useState<string | null>(null);
  const line = draft?.line;

  useEffect(() => {
    if (!line) return;
    const start = line.approvedQty ?? line.requestedQty;
    setQty(start);
    setUnit(start % line.packSize === 0 ? 'pack' : 'base');
    setQtyError(null);
  }, [line]);

  if (!draft || !line) return null;
  const adjusting = draft.mode === 'adjusted';
  return (
    <Modal
      open
      title={`${adjusting ? '调整数量' : '驳回'}：${line.drugName}（${line.spec}）`}
      okText={adjusting ? '确认调整' : '确认驳回'}
      okButtonProps={{ danger: !adjusting, loading: saving }}
      cancelText="取消"
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Typography.Paragraph>
        请领数量：<strong>{qtyText(line.requestedQty, line)}</strong>
        {line.suggestedQty !== null && `，系统建议 ${qtyText(line.suggestedQty, line)}`}
        {line.stockOnHand !== null && `，本室库存 ${qtyText(line.stockOnHand, line)}`}
        {line.bookHidden && `，本室库存：${BOOK_HIDDEN_TEXT}`}
      </Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        onFinish={(v) => {
          if (adjusting) {
            if (!qty) return setQtyError('请填写调整后的数量（调整为 0 请选择驳回）');
            if (qty === line.requestedQty) return setQtyError('调整后的数量与请领数量相同，请直接“同意”');
          }
          onSubmit(adjusting ? qty! : undefined, v.reason.trim());
        }}
      >
        {adjusting && (
          <Form.Item label="核准数量" required validateStatus={qtyError ? 'error' : undefined} help={qtyError ?? undefined}>
            <QtyInput
              label="核准数量"
              autoFocus
              showConversion
              drug={line}
              value={qty}
              unit={unit}
              onUnitChange={setUnit}
              onChange={(v) => {
                setQty(v);
                setQtyError(null);
              }}
            />
          </Form.Item>
        )}
        <Form.Item
          name="reason"
          label={adjusting ? '调整原因' : '驳回原因'}
          rules={[{ required: true, whitespace: true, message: adjusting ? '调整数量必须填写原因' : '驳回必须填写原因' }]}
        >
          <Input.TextArea rows={2} maxLength={200} showCount autoFocus={!adjusting} placeholder="村医会看到这条原因" />
        </Form.Item>
        <div className="reason-chips">
          {REASONS[draft.mode].map((r) => (
            <Button key={r} size="small" onClick={() => form.setFieldValue('reason', r)}>
              {r}
            </Button>
          ))}
        </div>
      </Form>
      {!adjusting && <Alert type="info" showIcon title="驳回后该行不再配送；全部行都驳回时请领单直接完成。" style={{ marginTop: 12 }} />}
    </Modal>
  );
}

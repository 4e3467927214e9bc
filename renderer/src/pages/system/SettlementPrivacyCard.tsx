import { useEffect } from 'react';
import { Button, Card, Form, InputNumber, Popconfirm, Space, Typography } from 'antd';
import { IDENTITY_RETENTION } from '../../../../shared/reconciliation';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { formatDateTime } from '../../components/format';
import { useSession } from '../../stores/session';

/**
 * 结算明细中的个人信息: how long patients' names, ID numbers and person numbers are kept, and the purge of those
 * past it (the administrator; the pharmacist reads). Quantities, amounts and visit ids stay for reconciliation.
 */
export function SettlementPrivacyCard() {
  const isAdmin = useSession((s) => s.user?.role === 'admin');
  const [form] = Form.useForm<{ identityMonths: number }>();
  const state = useApiQuery('reconciliation.settings', {});
  const update = useApiMutation('reconciliation.updateSettings', { form, success: '保存期限已保存' });
  const purge = useApiMutation('reconciliation.purge', { success: '已清除过期的个人信息' });

  useEffect(() => {
    if (state.data) form.setFieldsValue({ identityMonths: state.data.identityMonths });
  }, [state.data, form]);

  const s = state.data;
  return (
    <Card title="医保结算明细中的个人信息">
      <Typography.Paragraph type="secondary">
        导入的结算明细中，患者姓名、证件号码、人员编号只为对账和医保上传保存，页面上遮盖显示，每次查看记入审计日志。超过保存期限（按就诊日期算）后清除，
        数量、金额、就诊ID 保留，对账不受影响。
      </Typography.Paragraph>
      <Form form={form} layout="inline" onFinish={(v) => update.mutate(v)} disabled={!isAdmin}>
        <Form.Item name="identityMonths" label="保存期限" rules={[{ required: true, message: '请填写月数' }]}>
          <InputNumber
            min={IDENTITY_RETENTION.min}
            max={IDENTITY_RETENTION.max}
            precision={0}
            addonAfter="个月"
            style={{ width: 150 }}
            aria-label="个人信息保存期限（月）"
          />
        </Form.Item>
        {isAdmin && (
          <Form.Item>
            <Button type="primary" htmlType="submit" loading={update.isPending}>
              保存
            </Button>
          </Form.Item>
        )}
      </Form>
      {s && (
        <Space wrap style={{ marginTop: 12 }}>
          <Typography.Text>
            早于 {s.cutoff} 的明细应清除：{s.due ? <Typography.Text type="danger">{s.due} 条待清除</Typography.Text> : '没有待清除的'}
            {s.lastPurgeAt && `（上次清除 ${formatDateTime(s.lastPurgeAt)}）`}
          </Typography.Text>
          {isAdmin && s.due > 0 && (
            <Popconfirm
              title={`清除 ${s.due} 条明细中的患者个人信息？`}
              description="清除后不能恢复；清除本身记入审计日志。"
              okText="清除"
              cancelText="取消"
              onConfirm={() => purge.mutate({})}
            >
              <Button danger loading={purge.isPending}>
                立即清除
              </Button>
            </Popconfirm>
          )}
        </Space>
      )}
    </Card>
  );
}

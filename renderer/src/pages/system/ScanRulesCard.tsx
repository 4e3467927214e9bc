import { useEffect } from 'react';
import { Button, Card, Form, Radio, Space, Typography } from 'antd';
import type { TraceScanRules } from '../../../../shared/contract/stock';
import { OPENED_BOX_SCAN_LABELS, OPENED_BOX_SCANS } from '../../../../shared/traceCodes';
import { useApiMutation, useApiQuery } from '../../api/hooks';

/** 扫码规则: how an opened box (拆零) is scanned at later dispensings; provinces differ, the hub chooses. */
export function ScanRulesCard({ editable }: { editable: boolean }) {
  const [form] = Form.useForm<TraceScanRules>();
  const rules = useApiQuery('trace.scanRules', {});
  const update = useApiMutation('trace.updateScanRules', { form, success: '扫码规则已保存' });

  useEffect(() => {
    if (rules.data) form.setFieldsValue(rules.data);
  }, [rules.data, form]);

  return (
    <Card title="追溯码扫码规则（拆零药品）">
      <Typography.Paragraph type="secondary">
        2025 年起医保基金按“一盒药只销售一次”核对追溯码：拆零药品在开盒（第一次从这盒用药）时扫码，就是这盒的销售。默认“开盒时扫码一次”；
        本省要求每次用药都扫码的，改为“每次用药扫码”。只影响之后的用药登记。
      </Typography.Paragraph>
      <Form<TraceScanRules> form={form} layout="vertical" onFinish={(v) => update.mutate(v)} disabled={!editable}>
        <Form.Item name="openedBoxScan" label="拆零药品" rules={[{ required: true, message: '请选择' }]}>
          <Radio.Group aria-label="拆零药品扫码方式">
            <Space orientation="vertical">
              {OPENED_BOX_SCANS.map((v) => (
                <Radio key={v} value={v}>
                  {OPENED_BOX_SCAN_LABELS[v]}
                </Radio>
              ))}
            </Space>
          </Radio.Group>
        </Form.Item>
        {editable && (
          <Form.Item>
            <Button type="primary" htmlType="submit" loading={update.isPending}>
              保存
            </Button>
          </Form.Item>
        )}
      </Form>
    </Card>
  );
}

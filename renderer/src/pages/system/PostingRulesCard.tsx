import { useEffect } from 'react';
import { Button, Card, Form, InputNumber, Typography } from 'antd';
import type { PostingRules } from '../../../../shared/contract/system';
import { useApiMutation, useApiQuery } from '../../api/hooks';

/** 记账规则: the back-dating limit (补录期限), for the administrator and the hub pharmacist. */
export function PostingRulesCard() {
  const [form] = Form.useForm<PostingRules>();
  const rules = useApiQuery('system.postingRules', {});
  const update = useApiMutation('system.updatePostingRules', { form, success: '记账规则已保存' });

  useEffect(() => {
    if (rules.data) form.setFieldsValue(rules.data);
  }, [rules.data, form]);

  return (
    <Card title="记账规则">
      <Typography.Paragraph type="secondary">
        业务日期可以早于记账当天（补录），但不能超过下面的天数；超过的一律拒绝。补录的业务必须在它的日期就有库存，也不能使之后任何一天的结存变为负数；
        库存台账上标“补录”和记录日期，审计日志中也有记载。已结账的月份不能补录；管理员反结账的月份不受天数限制。
      </Typography.Paragraph>
      <Form<PostingRules> form={form} layout="inline" onFinish={(v) => update.mutate(v)}>
        <Form.Item name="maxBackdateDays" label="最多补录" rules={[{ required: true, message: '请填写天数' }]}>
          <InputNumber min={0} max={90} precision={0} addonAfter="天" style={{ width: 140 }} aria-label="最多补录天数" />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={update.isPending}>
            保存
          </Button>
        </Form.Item>
      </Form>
    </Card>
  );
}

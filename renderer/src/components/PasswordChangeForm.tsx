import { Button, Form, Input } from 'antd';
import { useApiMutation } from '../api/hooks';
import { confirmPasswordRules, PASSWORD_HINT, passwordRules } from './passwordRules';

/** Change one's own password: the old one, then a new one that meets the policy, twice. */
export function PasswordChangeForm({ onDone }: { onDone?: () => void }) {
  const [form] = Form.useForm();
  const change = useApiMutation('auth.changePassword', {
    form,
    success: '密码已修改，其他设备上的登录已退出',
    onSuccess: () => {
      form.resetFields();
      onDone?.();
    },
  });
  return (
    <Form form={form} layout="vertical" style={{ maxWidth: 360 }} onFinish={(v) => change.mutate({ oldPassword: v.oldPassword, newPassword: v.newPassword })}>
      <Form.Item name="oldPassword" label="原密码" rules={[{ required: true, message: '请输入原密码' }]}>
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <Form.Item name="newPassword" label="新密码" extra={PASSWORD_HINT} rules={passwordRules('请输入新密码')}>
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item name="confirm" label="确认新密码" dependencies={['newPassword']} rules={confirmPasswordRules('newPassword', '请再次输入新密码')}>
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={change.isPending}>
        修改密码
      </Button>
    </Form>
  );
}

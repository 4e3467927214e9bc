import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { call } from '../api/client';
import { useSession } from '../stores/session';

export default function LoginPage() {
  const status = useSession((s) => s.status);
  const signedIn = useSession((s) => s.signedIn);
  const load = useSession((s) => s.load);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(values: { username: string; password: string }) {
    setBusy(true);
    setError(null);
    try {
      const { user } = await call('auth.login', values);
      signedIn(user);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  async function leaveDemo() {
    await call('setup.leaveDemo').catch(() => undefined);
    await load();
  }

  return (
    <div className="auth-page">
      <Card className="auth-card" style={{ maxWidth: 400 }}>
        <div className="auth-brand">
          <span className="brand-mark">三统</span>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {status?.hubName ?? '药品管理'}
          </Typography.Title>
        </div>
        <Typography.Paragraph type="secondary">统一购药 · 统一出入库 · 统一结算</Typography.Paragraph>
        {status?.demo && (
          <Alert
            style={{ marginBottom: 16 }}
            type="info"
            showIcon
            title="演示卫生院"
            description={
              <>
                演示账号密码均为 <Typography.Text code>santong-demo</Typography.Text>
                ：admin（管理员）、yaoku（药库）、caiwu（财务）、yuanzhang（院长，只读）、cy01…cy22（村医）。
              </>
            }
          />
        )}
        {error && <Alert style={{ marginBottom: 16 }} type="error" showIcon title={error} />}
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item name="username" label="用户名" rules={[{ required: true, message: '请输入用户名' }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus size="large" />
          </Form.Item>
          <Form.Item name="password" label="密码" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={busy}>
            登录
          </Button>
        </Form>
        {status?.demo && (
          <Button type="link" block onClick={leaveDemo} style={{ marginTop: 8 }}>
            离开演示，回到正式系统
          </Button>
        )}
      </Card>
    </div>
  );
}

import { useState } from 'react';
import { App, Button, Card, Col, Divider, Form, Input, Row, Typography } from 'antd';
import { ExperimentOutlined, HistoryOutlined } from '@ant-design/icons';
import { ApiError, call } from '../api/client';
import { applyFieldErrors } from '../api/hooks';
import { useSession } from '../stores/session';
import RecoveryPage from './system/RecoveryPage';
import { confirmPasswordRules, PASSWORD_HINT, passwordRules } from '../components/passwordRules';

interface SetupForm {
  hubName: string;
  adminUsername: string;
  adminDisplayName: string;
  adminPassword: string;
  confirm: string;
}

/** First run: name the township health center and create the administrator. No default password exists. */
export default function SetupPage() {
  const [form] = Form.useForm<SetupForm>();
  const { message } = App.useApp();
  const signedIn = useSession((s) => s.signedIn);
  const load = useSession((s) => s.load);
  const [busy, setBusy] = useState<'setup' | 'demo' | null>(null);
  const [restoring, setRestoring] = useState(false);

  async function submit(values: SetupForm) {
    setBusy('setup');
    try {
      const { user } = await call('setup.initialize', {
        hubName: values.hubName,
        adminUsername: values.adminUsername,
        adminDisplayName: values.adminDisplayName,
        adminPassword: values.adminPassword,
      });
      message.success('设置完成，欢迎使用三统药品管理');
      signedIn(user);
      await load();
    } catch (err) {
      message.error((err as Error).message);
      applyFieldErrors(form, err);
    } finally {
      setBusy(null);
    }
  }

  async function exploreDemo() {
    setBusy('demo');
    try {
      await call('setup.enterDemo');
      await load();
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : '演示卫生院生成失败');
    } finally {
      setBusy(null);
    }
  }

  if (restoring) return <RecoveryPage mode="setup" onBack={() => setRestoring(false)} />;

  return (
    <div className="auth-page">
      <Card className="auth-card" style={{ maxWidth: 520 }}>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          欢迎使用三统药品管理
        </Typography.Title>
        <Typography.Paragraph type="secondary">统一购药 · 统一出入库 · 统一结算。首次使用，请填写卫生院名称并设置系统管理员账号。</Typography.Paragraph>
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ adminUsername: 'admin' }} requiredMark="optional">
          <Form.Item name="hubName" label="卫生院名称" rules={[{ required: true, whitespace: true, message: '请填写卫生院名称' }]}>
            <Input placeholder="例如：青石镇卫生院" maxLength={60} autoFocus />
          </Form.Item>
          <Row gutter={12}>
            <Col xs={24} sm={12}>
              <Form.Item name="adminUsername" label="管理员用户名" rules={[{ required: true, message: '请填写用户名' }]}>
                <Input autoComplete="username" maxLength={32} />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12}>
              <Form.Item name="adminDisplayName" label="管理员姓名" rules={[{ required: true, whitespace: true, message: '请填写姓名' }]}>
                <Input maxLength={30} />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="adminPassword" label="管理员密码" extra={PASSWORD_HINT} rules={passwordRules('请设置密码')}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item name="confirm" label="确认密码" dependencies={['adminPassword']} rules={confirmPasswordRules('adminPassword', '请再次输入密码')}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={busy === 'setup'} disabled={busy === 'demo'}>
            完成设置并登录
          </Button>
        </Form>
        <Divider plain>或者</Divider>
        <Button block icon={<ExperimentOutlined />} onClick={exploreDemo} loading={busy === 'demo'} disabled={busy === 'setup'}>
          先体验演示卫生院（使用单独的演示数据，不影响正式数据）
        </Button>
        <Button block type="link" icon={<HistoryOutlined />} onClick={() => setRestoring(true)} disabled={busy !== null} style={{ marginTop: 8 }}>
          已有备份？从备份恢复（更换电脑或重新安装后）
        </Button>
      </Card>
    </div>
  );
}

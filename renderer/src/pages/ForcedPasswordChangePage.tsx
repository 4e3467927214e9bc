import { Alert, Button, Card, Typography } from 'antd';
import { PasswordChangeForm } from '../components/PasswordChangeForm';
import { useSession } from '../stores/session';

/** A user with an initial password set by the administrator must choose their own before anything else. */
export default function ForcedPasswordChangePage() {
  const load = useSession((s) => s.load);
  const logout = useSession((s) => s.logout);
  const user = useSession((s) => s.user);
  return (
    <div className="auth-page">
      <Card className="auth-card" style={{ maxWidth: 420 }}>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          请修改初始密码
        </Typography.Title>
        <Alert
          style={{ marginBottom: 16 }}
          type="info"
          showIcon
          title={`${user?.displayName ?? ''}，您的密码由管理员设置，为了账号安全，请先设置自己的密码。`}
        />
        <PasswordChangeForm onDone={() => void load()} />
        <Button type="link" style={{ paddingLeft: 0, marginTop: 8 }} onClick={() => void logout()}>
          退出登录
        </Button>
      </Card>
    </div>
  );
}

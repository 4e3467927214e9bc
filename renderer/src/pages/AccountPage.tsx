import { App, Button, Card, Descriptions, Popconfirm, Space } from 'antd';
import { ROLE_LABELS } from '../../../shared/contract/define';
import { useApiMutation } from '../api/hooks';
import { useSession } from '../stores/session';
import { Page } from '../components/Page';
import { PasswordChangeForm } from '../components/PasswordChangeForm';

export default function AccountPage() {
  const user = useSession((s) => s.user)!;
  const signedOut = useSession((s) => s.signedOut);
  const { message } = App.useApp();
  const logoutAll = useApiMutation('auth.logoutAll', {
    onSuccess: (r) => {
      message.success(`已退出全部 ${r.ended} 个登录`);
      signedOut();
    },
  });
  return (
    <Page title="账号与密码">
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <Card title="我的账号">
          <Descriptions column={{ xs: 1, sm: 2 }}>
            <Descriptions.Item label="用户名">{user.username}</Descriptions.Item>
            <Descriptions.Item label="姓名">{user.displayName}</Descriptions.Item>
            <Descriptions.Item label="角色">{ROLE_LABELS[user.role]}</Descriptions.Item>
            {user.clinicName && <Descriptions.Item label="所属卫生室">{user.clinicName}</Descriptions.Item>}
          </Descriptions>
        </Card>
        <Card title="修改密码">
          <PasswordChangeForm />
        </Card>
        <Card title="登录设备">
          <Popconfirm title="退出本账号在所有电脑和手机上的登录？" okText="全部退出" cancelText="取消" onConfirm={() => logoutAll.mutate({})}>
            <Button danger loading={logoutAll.isPending}>
              退出全部设备的登录
            </Button>
          </Popconfirm>
        </Card>
      </Space>
    </Page>
  );
}

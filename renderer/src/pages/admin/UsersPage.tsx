import { useState } from 'react';
import { Badge, Button, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { z } from 'zod';
import type { userRow } from '../../../../shared/contract/auth';
import { ROLE_LABELS, ROLES, type Role } from '../../../../shared/contract/define';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { UserFormModal } from './UserFormModal';
import { passwordRules } from '../../components/passwordRules';
import { formatDateTime } from '../../components/format';

type UserRow = z.infer<typeof userRow>;

function ResetPasswordModal({ user, onClose }: { user: UserRow | null; onClose(): void }) {
  const [form] = Form.useForm();
  const reset = useApiMutation('users.resetPassword', { form, success: '密码已重置，该用户下次登录须修改密码', onSuccess: onClose });
  return (
    <Modal
      open={user !== null}
      title={`重置密码：${user?.displayName ?? ''}`}
      okText="重置"
      cancelText="取消"
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={reset.isPending}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" preserve={false} onFinish={(v) => user && reset.mutate({ id: user.id, initialPassword: v.initialPassword })}>
        <Form.Item name="initialPassword" label="新的初始密码" extra="该用户的全部登录将被退出，下次登录须修改密码" rules={passwordRules('请输入新的初始密码')}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function UsersPage() {
  const [role, setRole] = useState<Role | undefined>();
  const users = useApiQuery('users.list', { role, includeInactive: true });
  const [editing, setEditing] = useState<{ user: UserRow | null } | null>(null);
  const [resetting, setResetting] = useState<UserRow | null>(null);
  return (
    <Page
      title="用户与权限"
      subTitle="管理员、药库管理员、财务和村医的账号；村医只能看到本卫生室的数据"
      extra={
        <>
          <Select
            allowClear
            placeholder="全部角色"
            style={{ width: 140 }}
            value={role}
            onChange={setRole}
            options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
          />
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ user: null })}>
            新建用户
          </Button>
        </>
      }
    >
      <Table<UserRow>
        rowKey="id"
        size="middle"
        loading={users.isLoading}
        dataSource={users.data}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 860 }}
        columns={[
          { title: '用户名', dataIndex: 'username', width: 120 },
          { title: '姓名', dataIndex: 'displayName', width: 110 },
          {
            title: '角色',
            dataIndex: 'role',
            width: 110,
            render: (r: Role) => (
              <Tag color={r === 'admin' ? 'red' : r === 'village_doctor' ? 'green' : r === 'director' ? 'gold' : 'blue'}>{ROLE_LABELS[r]}</Tag>
            ),
          },
          { title: '所属卫生室', dataIndex: 'clinicName' },
          { title: '电话', dataIndex: 'phone', width: 130 },
          { title: '最近登录', dataIndex: 'lastLoginAt', width: 170, render: (t: string | null) => (t ? formatDateTime(t) : '从未登录') },
          {
            title: '状态',
            key: 'status',
            width: 140,
            render: (_, u) => (
              <Space size={4}>
                <Badge status={u.active ? 'success' : 'default'} text={u.active ? '启用' : '停用'} />
                {u.mustChangePassword && u.active && <Tag>待改密码</Tag>}
              </Space>
            ),
          },
          {
            title: '操作',
            key: 'actions',
            width: 150,
            render: (_, u) => (
              <Space size={0}>
                <Button type="link" size="small" onClick={() => setEditing({ user: u })}>
                  编辑
                </Button>
                <Button type="link" size="small" onClick={() => setResetting(u)}>
                  重置密码
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <UserFormModal open={editing !== null} user={editing?.user} onClose={() => setEditing(null)} />
      <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} />
    </Page>
  );
}

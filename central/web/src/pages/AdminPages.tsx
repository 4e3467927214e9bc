import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Form, Input, Modal, Select, Space, Table, Tag, App as AntApp } from 'antd';
import { CENTRAL_ROLE_LABELS, CENTRAL_ROLES } from '../../../shared/contract';
import { call, CentralError } from '../api';

interface County {
  code: string;
  name: string;
}

function useCounties() {
  return useQuery({ queryKey: ['counties'], queryFn: () => call<County[]>('counties.list') });
}

/** Puts the server's field messages on the form's fields, and the whole message in a toast. */
function showError(form: ReturnType<typeof Form.useForm>[0], message: ReturnType<typeof AntApp.useApp>['message'], e: unknown) {
  if (e instanceof CentralError && e.issues.length) form.setFields(e.issues.map((i) => ({ name: i.path.split('.'), errors: [i.message] })));
  message.error((e as Error).message);
}

export function HubsPage() {
  const qc = useQueryClient();
  const { message } = AntApp.useApp();
  const counties = useCounties();
  const hubs = useQuery({
    queryKey: ['hubs'],
    queryFn: () =>
      call<{ id: number; code: string; name: string; countyName: string; keyId: string; active: boolean; lastPeriod: string | null }[]>('hubs.list', {}),
  });
  const [registering, setRegistering] = useState(false);
  const [addingCounty, setAddingCounty] = useState(false);
  const [form] = Form.useForm();
  const [countyForm] = Form.useForm();
  return (
    <Card
      title="卫生院登记"
      extra={
        <Space>
          <Button onClick={() => setAddingCounty(true)}>添加县区</Button>
          <Button type="primary" onClick={() => setRegistering(true)}>
            登记卫生院
          </Button>
        </Space>
      }
    >
      <Table
        scroll={{ x: 760 }}
        size="small"
        rowKey="id"
        loading={hubs.isLoading}
        dataSource={hubs.data ?? []}
        columns={[
          { title: '编码', dataIndex: 'code' },
          { title: '卫生院', dataIndex: 'name' },
          { title: '县区', dataIndex: 'countyName' },
          { title: '公钥指纹', dataIndex: 'keyId' },
          { title: '最近上报', dataIndex: 'lastPeriod', render: (v: string | null) => v ?? '尚未上报' },
          {
            title: '状态',
            render: (_: unknown, r: { id: number; active: boolean }) => (
              <Space>
                {r.active ? <Tag color="green">启用</Tag> : <Tag>停用</Tag>}
                <Button
                  size="small"
                  onClick={async () => {
                    await call('hubs.update', { hubId: r.id, active: !r.active });
                    void qc.invalidateQueries({ queryKey: ['hubs'] });
                  }}
                >
                  {r.active ? '停用' : '启用'}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <Modal title="登记卫生院" open={registering} onCancel={() => setRegistering(false)} onOk={() => form.submit()} okText="登记" destroyOnHidden>
        <Form
          form={form}
          layout="vertical"
          onFinish={async (v: { code: string; name: string; countyCode: string; publicKey: string }) => {
            try {
              await call('hubs.register', v);
              message.success(`已登记 ${v.name}`);
              setRegistering(false);
              form.resetFields();
              void qc.invalidateQueries();
            } catch (e) {
              showError(form, message, e);
            }
          }}
        >
          <Form.Item label="卫生院编码" name="code" rules={[{ required: true, message: '请填写编码' }]}>
            <Input placeholder="如 H41162101" />
          </Form.Item>
          <Form.Item label="卫生院名称" name="name" rules={[{ required: true, message: '请填写名称' }]}>
            <Input />
          </Form.Item>
          <Form.Item label="县区" name="countyCode" rules={[{ required: true, message: '请选择县区' }]}>
            <Select options={(counties.data ?? []).map((c) => ({ value: c.code, label: `${c.name}（${c.code}）` }))} />
          </Form.Item>
          <Form.Item label="签名公钥（卫生院“上报地市”页面上显示的一串字符）" name="publicKey" rules={[{ required: true, message: '请粘贴公钥' }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal title="添加县区" open={addingCounty} onCancel={() => setAddingCounty(false)} onOk={() => countyForm.submit()} okText="添加" destroyOnHidden>
        <Form
          form={countyForm}
          layout="vertical"
          onFinish={async (v: County) => {
            try {
              await call('counties.create', v);
              setAddingCounty(false);
              countyForm.resetFields();
              void qc.invalidateQueries();
            } catch (e) {
              showError(countyForm, message, e);
            }
          }}
        >
          <Form.Item label="行政区划代码（6 位）" name="code" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item label="县区名称" name="name" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

export function UsersPage() {
  const qc = useQueryClient();
  const { message } = AntApp.useApp();
  const counties = useCounties();
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () =>
      call<{ id: number; username: string; displayName: string; role: keyof typeof CENTRAL_ROLE_LABELS; countyCode: string | null }[]>('users.list'),
  });
  const [form] = Form.useForm();
  const [open, setOpen] = useState(false);
  return (
    <Card title="用户" extra={<Button onClick={() => setOpen(true)}>添加用户</Button>}>
      <Table
        scroll={{ x: 760 }}
        size="small"
        rowKey="id"
        dataSource={users.data ?? []}
        columns={[
          { title: '用户名', dataIndex: 'username' },
          { title: '姓名', dataIndex: 'displayName' },
          { title: '角色', dataIndex: 'role', render: (r: keyof typeof CENTRAL_ROLE_LABELS) => CENTRAL_ROLE_LABELS[r] },
          { title: '县区', dataIndex: 'countyCode' },
        ]}
      />
      <Modal title="添加用户" open={open} onCancel={() => setOpen(false)} onOk={() => form.submit()} destroyOnHidden>
        <Form
          form={form}
          layout="vertical"
          initialValues={{ role: 'county_viewer', countyCode: null }}
          onFinish={async (v: { username: string; displayName: string; role: string; countyCode: string | null; initialPassword: string }) => {
            try {
              await call('users.create', { ...v, countyCode: v.role === 'county_viewer' ? v.countyCode : null } as never);
              setOpen(false);
              void qc.invalidateQueries({ queryKey: ['users'] });
            } catch (e) {
              showError(form, message, e);
            }
          }}
        >
          <Form.Item label="用户名" name="username" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item label="姓名" name="displayName" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item label="角色" name="role">
            <Select options={CENTRAL_ROLES.map((r) => ({ value: r, label: CENTRAL_ROLE_LABELS[r] }))} />
          </Form.Item>
          <Form.Item label="县区（县区查看用户）" name="countyCode">
            <Select allowClear options={(counties.data ?? []).map((c) => ({ value: c.code, label: c.name }))} />
          </Form.Item>
          <Form.Item label="初始密码（至少 10 位，首次登录须修改）" name="initialPassword" rules={[{ required: true, min: 10 }]}>
            <Input.Password />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

export function AuditPage() {
  const log = useQuery({ queryKey: ['audit'], queryFn: () => call<Record<string, unknown>[]>('audit.list', { page: 1 }) });
  return (
    <Card title="审计日志（最近 100 条）">
      <Table
        scroll={{ x: 760 }}
        size="small"
        rowKey="id"
        dataSource={log.data ?? []}
        columns={[
          { title: '时间', dataIndex: 'at' },
          { title: '用户', dataIndex: 'username' },
          { title: '地址', dataIndex: 'ip' },
          { title: '操作', dataIndex: 'method' },
          { title: '结果', dataIndex: 'outcome' },
          { title: '错误', dataIndex: 'errorCode' },
          { title: '对象', dataIndex: 'target' },
          { title: '详情', dataIndex: 'details', render: (d: unknown) => (d ? JSON.stringify(d) : '') },
        ]}
      />
    </Card>
  );
}

import { useMemo, useState } from 'react';
import { Badge, Button, Col, Form, Input, Modal, Row, Space, Switch, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { ClinicRow } from '../../../../shared/contract/clinics';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { useSession } from '../../stores/session';
import { Page } from '../../components/Page';
import { UserFormModal } from './UserFormModal';

function ClinicFormModal({ clinic, open, onClose }: { clinic: ClinicRow | null; open: boolean; onClose(): void }) {
  const [form] = Form.useForm();
  const create = useApiMutation('clinics.create', { form, success: '卫生室已创建', onSuccess: onClose });
  const update = useApiMutation('clinics.update', { form, success: '卫生室已保存', onSuccess: onClose });
  return (
    <Modal
      open={open}
      title={clinic ? `编辑卫生室：${clinic.name}` : '新建村卫生室'}
      okText="保存"
      cancelText="取消"
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={create.isPending || update.isPending}
      destroyOnHidden
      afterOpenChange={(visible) => visible && form.setFieldsValue(clinic ?? { active: true })}
    >
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        onFinish={(v) => {
          const fields = { code: v.code, name: v.name, village: v.village ?? null, address: v.address ?? null, phone: v.phone ?? null };
          if (clinic) update.mutate({ id: clinic.id, active: v.active, ...fields });
          else create.mutate(fields);
        }}
      >
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="code" label="编码" rules={[{ required: true, message: '请填写编码' }]}>
              <Input maxLength={20} placeholder="如 C23" />
            </Form.Item>
          </Col>
          <Col span={16}>
            <Form.Item name="name" label="名称" rules={[{ required: true, whitespace: true, message: '请填写名称' }]}>
              <Input maxLength={60} placeholder="如 东湖村卫生室" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="village" label="所在村">
          <Input maxLength={60} />
        </Form.Item>
        <Form.Item name="address" label="地址">
          <Input maxLength={120} />
        </Form.Item>
        <Form.Item name="phone" label="电话">
          <Input maxLength={20} />
        </Form.Item>
        {clinic && (
          <Form.Item name="active" label="状态" valuePropName="checked">
            <Switch checkedChildren="启用" unCheckedChildren="停用" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

export default function ClinicsPage() {
  const isAdmin = useSession((s) => s.user?.role === 'admin');
  const [includeInactive, setIncludeInactive] = useState(false);
  const [keyword, setKeyword] = useState('');
  const [editing, setEditing] = useState<{ clinic: ClinicRow | null } | null>(null);
  const [addingDoctorTo, setAddingDoctorTo] = useState<number | null>(null);
  const clinics = useApiQuery('clinics.list', { includeInactive });
  const rows = useMemo(() => {
    const k = keyword.trim();
    return (clinics.data ?? []).filter((c) => !k || c.name.includes(k) || c.code.toLowerCase().includes(k.toLowerCase()) || (c.village ?? '').includes(k));
  }, [clinics.data, keyword]);
  const doctorPreset = useMemo(() => (addingDoctorTo ? { role: 'village_doctor' as const, clinicId: addingDoctorTo } : undefined), [addingDoctorTo]);

  return (
    <Page
      title="村卫生室"
      subTitle="每个村卫生室在中心药库账上有自己的库房"
      extra={
        <>
          <Input.Search placeholder="编码、名称或村名" allowClear onChange={(e) => setKeyword(e.target.value)} style={{ width: 220 }} />
          <Space>
            <Switch size="small" checked={includeInactive} onChange={setIncludeInactive} /> 显示已停用
          </Space>
          {isAdmin && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ clinic: null })}>
              新建卫生室
            </Button>
          )}
        </>
      }
    >
      <Table<ClinicRow>
        rowKey="id"
        size="middle"
        loading={clinics.isLoading}
        dataSource={rows}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 800 }}
        columns={[
          { title: '编码', dataIndex: 'code', width: 90 },
          { title: '名称', dataIndex: 'name' },
          { title: '所在村', dataIndex: 'village' },
          { title: '地址', dataIndex: 'address', ellipsis: true },
          { title: '电话', dataIndex: 'phone', width: 130 },
          { title: '村医', dataIndex: 'doctorCount', width: 70, align: 'right', render: (n: number) => (n ? n : <Tag color="warning">未绑定</Tag>) },
          { title: '状态', dataIndex: 'active', width: 80, render: (a: boolean) => <Badge status={a ? 'success' : 'default'} text={a ? '启用' : '停用'} /> },
          ...(isAdmin
            ? [
                {
                  title: '操作',
                  key: 'actions',
                  width: 160,
                  render: (_: unknown, c: ClinicRow) => (
                    <Space size={0}>
                      <Button type="link" size="small" onClick={() => setEditing({ clinic: c })}>
                        编辑
                      </Button>
                      {c.active && (
                        <Button type="link" size="small" onClick={() => setAddingDoctorTo(c.id)}>
                          添加村医
                        </Button>
                      )}
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <ClinicFormModal open={editing !== null} clinic={editing?.clinic ?? null} onClose={() => setEditing(null)} />
      <UserFormModal open={addingDoctorTo !== null} preset={doctorPreset} onClose={() => setAddingDoctorTo(null)} />
    </Page>
  );
}

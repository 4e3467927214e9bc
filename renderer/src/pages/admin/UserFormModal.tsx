import { useEffect } from 'react';
import { Form, Input, Modal, Select, Switch } from 'antd';
import type { z } from 'zod';
import type { userRow } from '../../../../shared/contract/auth';
import { ROLE_LABELS, ROLES, type Role } from '../../../../shared/contract/define';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { passwordRules } from '../../components/passwordRules';

type UserRow = z.infer<typeof userRow>;

export interface UserFormModalProps {
  open: boolean;
  /** Edit this user; create a new one when absent. */
  user?: UserRow | null;
  /** Preset for "add a doctor to this clinic". */
  preset?: { role?: Role; clinicId?: number };
  onClose(): void;
}

export function UserFormModal({ open, user, preset, onClose }: UserFormModalProps) {
  const [form] = Form.useForm();
  const role: Role | undefined = Form.useWatch('role', form);
  const clinics = useApiQuery('clinics.list', { includeInactive: false }, { enabled: open });
  const create = useApiMutation('users.create', { form, success: '用户已创建，首次登录须修改初始密码', onSuccess: onClose });
  const update = useApiMutation('users.update', { form, success: '用户已保存', onSuccess: onClose });

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(user ?? { role: preset?.role ?? 'village_doctor', clinicId: preset?.clinicId, active: true });
  }, [open, user, preset, form]);

  function submit(v: { username: string; initialPassword: string; displayName: string; role: Role; clinicId?: number; phone?: string; active: boolean }) {
    const fields = { displayName: v.displayName, role: v.role, clinicId: v.role === 'village_doctor' ? (v.clinicId ?? null) : null, phone: v.phone ?? null };
    if (user) update.mutate({ id: user.id, active: v.active, ...fields });
    else create.mutate({ username: v.username, initialPassword: v.initialPassword, ...fields });
  }

  return (
    <Modal
      open={open}
      title={user ? `编辑用户：${user.username}` : '新建用户'}
      okText="保存"
      cancelText="取消"
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={create.isPending || update.isPending}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="username" label="用户名" rules={[{ required: !user, message: '请填写用户名' }]}>
          <Input disabled={Boolean(user)} autoComplete="off" maxLength={32} placeholder="字母、数字，如 cy23" />
        </Form.Item>
        {!user && (
          <Form.Item name="initialPassword" label="初始密码" extra="至少 8 位，含字母和数字；用户首次登录时必须修改" rules={passwordRules('请设置初始密码')}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        )}
        <Form.Item name="displayName" label="姓名" rules={[{ required: true, whitespace: true, message: '请填写姓名' }]}>
          <Input maxLength={30} />
        </Form.Item>
        <Form.Item name="role" label="角色" rules={[{ required: true, message: '请选择角色' }]}>
          <Select options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))} />
        </Form.Item>
        {role === 'village_doctor' && (
          <Form.Item name="clinicId" label="所属村卫生室" rules={[{ required: true, message: '村医必须绑定一个村卫生室' }]}>
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              placeholder="选择卫生室"
              loading={clinics.isLoading}
              options={clinics.data?.map((c) => ({ value: c.id, label: `${c.code} ${c.name}` }))}
            />
          </Form.Item>
        )}
        <Form.Item name="phone" label="电话">
          <Input maxLength={20} />
        </Form.Item>
        {user && (
          <Form.Item name="active" label="启用" valuePropName="checked">
            <Switch checkedChildren="启用" unCheckedChildren="停用" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

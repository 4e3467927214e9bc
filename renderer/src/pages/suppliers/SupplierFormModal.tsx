import { useEffect } from 'react';
import { Col, Form, Input, Modal, Row, Switch } from 'antd';
import type { SupplierRow } from '../../../../shared/contract/suppliers';
import { creditCodeProblem, normalizeCreditCode } from '../../../../shared/creditCode';
import { useApiMutation } from '../../api/hooks';

interface Values {
  name: string;
  creditCode: string;
  licenceNo?: string;
  contact?: string;
  phone?: string;
  address?: string;
  active?: boolean;
}

/** Create or edit a distribution company; the credit code is checked as it is typed (GB 32100-2015). */
export function SupplierFormModal({
  open,
  supplier,
  onClose,
  onCreated,
}: {
  open: boolean;
  supplier: SupplierRow | null;
  onClose(): void;
  onCreated?(s: SupplierRow): void;
}) {
  const [form] = Form.useForm<Values>();
  const create = useApiMutation('suppliers.create', {
    form,
    success: '配送企业已添加',
    onSuccess: (s) => {
      onClose();
      onCreated?.(s);
    },
  });
  const update = useApiMutation('suppliers.update', { form, success: '配送企业已保存', onSuccess: onClose });

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(
      supplier
        ? {
            ...supplier,
            licenceNo: supplier.licenceNo ?? undefined,
            contact: supplier.contact ?? undefined,
            phone: supplier.phone ?? undefined,
            address: supplier.address ?? undefined,
          }
        : { active: true },
    );
  }, [open, supplier, form]);

  function submit(v: Values) {
    const fields = {
      name: v.name,
      creditCode: v.creditCode,
      licenceNo: v.licenceNo || null,
      contact: v.contact || null,
      phone: v.phone || null,
      address: v.address || null,
    };
    if (supplier) update.mutate({ id: supplier.id, active: v.active ?? true, ...fields });
    else create.mutate(fields);
  }

  return (
    <Modal
      open={open}
      title={supplier ? `编辑配送企业：${supplier.name}` : '新增配送企业'}
      okText="保存"
      cancelText="取消"
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={create.isPending || update.isPending}
      destroyOnHidden
      width={640}
      // A new supplier's price list opens next and takes the focus; don't pull it back to the page.
      focusable={{ focusTriggerAfterClose: Boolean(supplier) }}
    >
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="name" label="企业名称" rules={[{ required: true, whitespace: true, message: '请填写企业名称' }]}>
          <Input maxLength={100} placeholder="与营业执照一致" />
        </Form.Item>
        <Form.Item
          name="creditCode"
          label="统一社会信用代码"
          normalize={(v: string) => normalizeCreditCode(v ?? '')}
          rules={[
            { required: true, message: '请填写统一社会信用代码' },
            { validator: (_, v?: string) => (v && creditCodeProblem(v) ? Promise.reject(new Error(creditCodeProblem(v)!)) : Promise.resolve()) },
          ]}
          validateFirst
        >
          <Input maxLength={18} placeholder="18 位，见营业执照" style={{ fontFamily: 'monospace' }} />
        </Form.Item>
        <Row gutter={12}>
          <Col xs={24} md={12}>
            <Form.Item name="licenceNo" label="药品经营许可证号">
              <Input maxLength={50} placeholder="如 湘AA7310126" />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name="contact" label="联系人">
              <Input maxLength={30} />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name="phone" label="电话">
              <Input maxLength={30} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="address" label="地址">
          <Input maxLength={120} />
        </Form.Item>
        {supplier && (
          <Form.Item
            name="active"
            label="状态"
            valuePropName="checked"
            extra={supplier.defaultForCount ? `该企业是 ${supplier.defaultForCount} 种药品的默认配送企业，停用后请为这些药品另选配送企业。` : undefined}
          >
            <Switch checkedChildren="启用" unCheckedChildren="停用" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

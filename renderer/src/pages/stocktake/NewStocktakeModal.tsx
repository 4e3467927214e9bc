import { Alert, Form, Input, InputNumber, Modal, Radio, Segmented, Select, Switch } from 'antd';
import { useNavigate } from 'react-router';
import { MAX_SPOT_SAMPLE, SELECTION_RULE_TEXT, type CounterMode, type StocktakeKind } from '../../../../shared/stocktake';
import { useApiMutation, useApiQuery } from '../../api/hooks';

interface Values {
  kind: StocktakeKind;
  clinicId?: number;
  storeId?: number;
  sampleSize?: number;
  counterMode: CounterMode;
  blind: boolean;
  note?: string;
}

/** Starts a spot check of a clinic (random drugs) or a full count of any store. */
export function NewStocktakeModal({ open, onClose, initialKind = 'spot' }: { open: boolean; onClose(): void; initialKind?: StocktakeKind }) {
  const [form] = Form.useForm<Values>();
  const navigate = useNavigate();
  const kind = Form.useWatch('kind', form) ?? initialKind;
  const storeId = Form.useWatch('storeId', form);
  const clinics = useApiQuery('clinics.list', { includeInactive: false }, { enabled: open });
  const stores = useApiQuery('stock.stores', {}, { enabled: open });
  const hubChosen = kind === 'full' && stores.data?.find((s) => s.id === storeId)?.kind === 'hub';
  const create = useApiMutation('stocktakes.create', {
    form,
    onSuccess: (st) => {
      onClose();
      form.resetFields();
      navigate(`/stocktake/${st.id}`);
    },
  });
  return (
    <Modal
      open={open}
      title="发起盘点"
      okText={kind === 'spot' ? '抽取药品并开始' : '生成盘点表'}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={create.isPending}
      destroyOnHidden
      width={560}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{ kind: initialKind, sampleSize: 5, counterMode: 'self', blind: true }}
        onFinish={(v) =>
          create.mutate({
            kind: v.kind,
            clinicId: v.kind === 'spot' ? v.clinicId : undefined,
            storeId: v.kind === 'full' ? v.storeId : undefined,
            sampleSize: v.kind === 'spot' ? v.sampleSize : undefined,
            counterMode: hubChosen ? 'onsite' : v.counterMode,
            blind: v.blind,
            note: v.note || null,
          })
        }
      >
        <Form.Item name="kind" label="类型">
          <Segmented
            options={[
              { value: 'spot', label: '随机抽查' },
              { value: 'full', label: '全面盘点' },
            ]}
          />
        </Form.Item>
        {kind === 'spot' ? (
          <>
            <Form.Item name="clinicId" label="村卫生室" rules={[{ required: true, message: '请选择要抽查的村卫生室' }]}>
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                placeholder="选择村卫生室"
                loading={clinics.isLoading}
                options={clinics.data?.map((c) => ({ value: c.id, label: `${c.code} ${c.name}` }))}
              />
            </Form.Item>
            <Form.Item name="sampleSize" label="抽查药品种数" rules={[{ required: true, message: '请填写抽查药品种数' }]} extra={SELECTION_RULE_TEXT}>
              <InputNumber min={1} max={MAX_SPOT_SAMPLE} precision={0} addonAfter="种" style={{ width: 160 }} />
            </Form.Item>
          </>
        ) : (
          <Form.Item
            name="storeId"
            label="库房"
            rules={[{ required: true, message: '请选择要盘点的库房' }]}
            extra="盘点该库房账面上的全部批次；货架上有而账上没有的批次，盘点时可以添加。"
          >
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              placeholder="选择库房"
              loading={stores.isLoading}
              options={stores.data?.map((s) => ({ value: s.id, label: s.kind === 'hub' ? `★ ${s.name}` : `${s.clinicCode} ${s.name}` }))}
            />
          </Form.Item>
        )}
        <Form.Item name="counterMode" label="由谁盘点">
          <Radio.Group
            disabled={hubChosen}
            options={[
              { value: 'self', label: '村医自盘（村医在手机或电脑上录入）' },
              { value: 'onsite', label: '药库人员现场盘点' },
            ]}
          />
        </Form.Item>
        <Form.Item
          name="blind"
          label="盲盘"
          valuePropName="checked"
          extra="盲盘时盘点人看不到账面数量，提交后由药库管理员核对差异。村医自盘期间，被盘药品的账面库存在各页面都不对村医显示；现场盘点时，发起人和录入实盘数的人在提交前也看不到。"
        >
          <Switch checkedChildren="盲盘" unCheckedChildren="明盘" />
        </Form.Item>
        <Form.Item name="note" label="备注">
          <Input maxLength={200} placeholder="可不填" />
        </Form.Item>
        {kind === 'spot' && (
          <Alert type="info" showIcon title="抽取结果一经生成即记录在案（随机种子、时间、每种药品的权重），不能重新抽取；如需作废须填写原因，作废记录保留。" />
        )}
      </Form>
    </Modal>
  );
}

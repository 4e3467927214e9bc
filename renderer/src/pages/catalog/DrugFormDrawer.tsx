import { useEffect } from 'react';
import {
  Alert,
  AutoComplete,
  Button,
  Col,
  Divider,
  Drawer,
  Form,
  Grid,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { DrugDetail, DrugInput } from '../../../../shared/contract/catalog';
import { VBP_BATCHES } from '../../../../shared/catalogColumns';
import { approvalNoProblem, nhsaCodeProblem, normalizeApprovalNo, normalizeCode, tracePrefixProblem } from '../../../../shared/drugCodes';
import { formatPack } from '../../../../shared/units';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { priceFromText, priceRules, priceToText, QtyInput, yuan } from './fields';

const DOSAGE_FORMS = [
  '片剂',
  '胶囊剂',
  '颗粒剂',
  '注射剂',
  '缓释片',
  '控释片',
  '肠溶片',
  '分散片',
  '咀嚼片',
  '泡腾片',
  '含片',
  '软胶囊',
  '口服溶液剂',
  '混悬剂',
  '干混悬剂',
  '散剂',
  '丸剂',
  '滴丸剂',
  '合剂',
  '糖浆剂',
  '酊剂',
  '乳膏剂',
  '软膏剂',
  '凝胶剂',
  '滴眼剂',
  '眼膏剂',
  '滴鼻剂',
  '气雾剂',
  '吸入粉雾剂',
  '贴膏剂',
  '栓剂',
  '洗剂',
];
const BASE_UNITS = ['片', '粒', '丸', '袋', '支', '瓶', '贴', '包', 'ml', 'g'];
const PACK_UNITS = ['盒', '瓶', '袋', '支', '板', '包', '桶'];

type FormValues = Omit<DrugInput, 'vbpPrice' | 'referencePrice' | 'rx'> & {
  vbpPrice?: string;
  referencePrice?: string;
  rx: 'rx' | 'otc';
  active?: boolean;
};

const check = (problem: (v: string) => string | null) => ({
  validator: (_: unknown, v: string | undefined) => {
    const p = v?.trim() ? problem(v) : null;
    return p ? Promise.reject(new Error(p)) : Promise.resolve();
  },
});

const options = (list: string[]) => list.map((v) => ({ value: v }));

function toForm(d: DrugDetail | null): Partial<FormValues> {
  if (!d) return { insuranceClass: 'A', essential: false, vbp: false, rx: 'rx', zeroMarkup: true, packSize: 1, active: true };
  return {
    ...d,
    tradeName: d.tradeName ?? undefined,
    approvalNo: d.approvalNo ?? undefined,
    vbpBatch: d.vbpBatch ?? undefined,
    vbpPrice: priceToText(d.vbpPrice),
    referencePrice: priceToText(d.referencePrice),
    rx: d.rx ? 'rx' : 'otc',
    tracePrefix: d.tracePrefix ?? undefined,
  } as Partial<FormValues>;
}

/** The contract prices of one drug, read-only here (they are kept per supplier). */
function DrugPrices({ drug }: { drug: DrugDetail }) {
  const prices = useApiQuery('suppliers.prices', { drugId: drug.id });
  return (
    <Table
      size="small"
      rowKey="supplierId"
      loading={prices.isLoading}
      dataSource={prices.data}
      pagination={false}
      locale={{ emptyText: '尚无配送企业报价：请在“配送企业”中为其设置合同价' }}
      columns={[
        {
          title: '配送企业',
          dataIndex: 'supplierName',
          render: (n: string, p) =>
            p.isDefault ? (
              <Space size={4}>
                {n}
                <Tag color="blue">默认</Tag>
              </Space>
            ) : (
              n
            ),
        },
        { title: `合同价（元/${drug.packUnit}）`, dataIndex: 'packPrice', align: 'right', render: (v: number) => yuan(v) },
      ]}
    />
  );
}

export function DrugFormDrawer({ open, drug, readOnly, onClose }: { open: boolean; drug: DrugDetail | null; readOnly: boolean; onClose(): void }) {
  const [form] = Form.useForm<FormValues>();
  const screens = Grid.useBreakpoint();
  const vbp = Form.useWatch('vbp', form);
  const packSize = Form.useWatch('packSize', form) ?? 1;
  const packUnit = Form.useWatch('packUnit', form) ?? '';
  const baseUnit = Form.useWatch('baseUnit', form) ?? '';
  const defaultSupplierId = Form.useWatch('defaultSupplierId', form);
  const suppliers = useApiQuery('suppliers.list', { includeInactive: true }, { enabled: open });
  const create = useApiMutation('catalog.create', { form, success: '药品已添加', onSuccess: onClose });
  const update = useApiMutation('catalog.update', { form, success: '药品已保存', onSuccess: onClose });

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(toForm(drug));
  }, [open, drug, form]);

  function submit(v: FormValues) {
    const input: DrugInput = {
      nhsaCode: v.nhsaCode,
      genericName: v.genericName,
      tradeName: v.tradeName || null,
      dosageForm: v.dosageForm,
      spec: v.spec,
      packUnit: v.packUnit,
      baseUnit: v.baseUnit,
      packSize: v.packSize,
      manufacturer: v.manufacturer,
      approvalNo: v.approvalNo || null,
      insuranceClass: v.insuranceClass,
      essential: v.essential,
      vbp: v.vbp,
      vbpBatch: v.vbp ? v.vbpBatch || null : null,
      vbpPrice: v.vbp ? priceFromText(v.vbpPrice) : null,
      referencePrice: priceFromText(v.referencePrice),
      rx: v.rx === 'rx',
      zeroMarkup: v.zeroMarkup,
      defaultSupplierId: v.defaultSupplierId ?? null,
      hubMin: v.hubMin ?? null,
      hubMax: v.hubMax ?? null,
      clinicMin: v.clinicMin ?? null,
      clinicMax: v.clinicMax ?? null,
      tracePrefix: v.tracePrefix || null,
    };
    if (drug) update.mutate({ id: drug.id, active: v.active ?? true, ...input });
    else create.mutate(input);
  }

  const qty = (name: 'hubMin' | 'hubMax' | 'clinicMin' | 'clinicMax', label: string, minOf?: 'hubMin' | 'clinicMin') => (
    <Form.Item
      name={name}
      label={label}
      dependencies={minOf ? [minOf] : undefined}
      rules={
        minOf
          ? [
              ({ getFieldValue }) => ({
                validator: (_, v: number | null | undefined) => {
                  const min = getFieldValue(minOf) as number | null | undefined;
                  return v != null && min != null && v < min ? Promise.reject(new Error('上限不能小于下限')) : Promise.resolve();
                },
              }),
            ]
          : undefined
      }
    >
      <QtyInput packSize={packSize} packUnit={packUnit} baseUnit={baseUnit} />
    </Form.Item>
  );

  const supplierHasNoPrice = drug && defaultSupplierId && defaultSupplierId === drug.defaultSupplierId && drug.defaultSupplierPrice === null;
  const saving = create.isPending || update.isPending;

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={screens.md ? 760 : '100%'}
      title={drug ? (readOnly ? `药品资料：${drug.genericName}` : `编辑药品：${drug.genericName}`) : '新增药品'}
      destroyOnHidden
      extra={
        !readOnly && (
          <Space>
            <Button onClick={onClose}>取消</Button>
            <Button type="primary" loading={saving} onClick={() => form.submit()}>
              保存
            </Button>
          </Space>
        )
      }
    >
      <Form<FormValues> form={form} layout="vertical" disabled={readOnly} onFinish={submit} requiredMark={!readOnly} scrollToFirstError>
        {drug?.inUse && !readOnly && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 16 }}
            title="该药品已有请领、采购或入库记录：包装数量和最小单位不能再修改；修改名称、价格等不影响已过账的单据。"
          />
        )}
        <Divider titlePlacement="start" plain style={{ marginTop: 0 }}>
          基本信息
        </Divider>
        <Row gutter={12}>
          <Col xs={24} md={12}>
            <Form.Item
              name="nhsaCode"
              label="医保药品编码"
              normalize={(v: string) => normalizeCode(v ?? '')}
              rules={[{ required: true, message: '请填写医保药品编码' }, check(nhsaCodeProblem)]}
            >
              <Input maxLength={50} placeholder="如 XJ01CAA040E001010101445" style={{ fontFamily: 'monospace' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="approvalNo"
              label="批准文号"
              extra="照证书原样填写：国药准字H20003263、国药准字HJ20171044；进口药品填注册证号 H20140345，港澳台 HC20200001"
              rules={[check((v) => approvalNoProblem(normalizeApprovalNo(v)))]}
            >
              <Input maxLength={20} placeholder="如 国药准字H20003263" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="genericName" label="通用名" rules={[{ required: true, whitespace: true, message: '请填写通用名' }]}>
              <Input maxLength={100} placeholder="如 阿莫西林胶囊" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="tradeName" label="商品名">
              <Input maxLength={100} placeholder="如 阿莫仙（可不填）" />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name="dosageForm" label="剂型" rules={[{ required: true, whitespace: true, message: '请填写剂型' }]}>
              <AutoComplete options={options(DOSAGE_FORMS)} showSearch={{ filterOption: (input, o) => String(o?.value).includes(input) }} maxLength={30} />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name="spec" label="规格" rules={[{ required: true, whitespace: true, message: '请填写规格' }]}>
              <Input maxLength={100} placeholder="如 0.25g" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item
              label="包装"
              required
              extra={packSize && packUnit && baseUnit ? `即 ${formatPack(packSize, packUnit, baseUnit)}` : '每个包装含多少最小单位'}
            >
              <Space.Compact style={{ width: '100%' }}>
                <Form.Item name="packSize" noStyle rules={[{ required: true, message: '请填写包装数量' }]}>
                  <InputNumber min={1} max={100000} precision={0} style={{ width: '40%' }} aria-label="包装数量" disabled={readOnly || drug?.inUse} />
                </Form.Item>
                <Form.Item name="baseUnit" noStyle rules={[{ required: true, whitespace: true, message: '请填写最小单位' }]}>
                  <AutoComplete
                    options={options(BASE_UNITS)}
                    style={{ width: '30%' }}
                    placeholder="粒"
                    aria-label="最小单位"
                    disabled={readOnly || drug?.inUse}
                  />
                </Form.Item>
                <Form.Item name="packUnit" noStyle rules={[{ required: true, whitespace: true, message: '请填写包装单位' }]}>
                  <AutoComplete options={options(PACK_UNITS)} style={{ width: '30%' }} placeholder="盒" aria-label="包装单位" />
                </Form.Item>
              </Space.Compact>
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="manufacturer" label="生产企业" rules={[{ required: true, whitespace: true, message: '请填写生产企业' }]}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start" plain>
          医保与集采
        </Divider>
        <Row gutter={12}>
          <Col xs={24} md={12}>
            <Form.Item name="insuranceClass" label="医保类别" rules={[{ required: true, message: '请选择医保类别' }]}>
              <Radio.Group
                optionType="button"
                options={[
                  { value: 'A', label: '甲类' },
                  { value: 'B', label: '乙类' },
                  { value: 'none', label: '非医保' },
                ]}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="rx" label="处方类别">
              <Radio.Group
                optionType="button"
                options={[
                  { value: 'rx', label: '处方药' },
                  { value: 'otc', label: 'OTC' },
                ]}
              />
            </Form.Item>
          </Col>
          <Col xs={8}>
            <Form.Item name="essential" label="基本药物" valuePropName="checked">
              <Switch checkedChildren="是" unCheckedChildren="否" />
            </Form.Item>
          </Col>
          <Col xs={8}>
            <Form.Item name="zeroMarkup" label="零差率" valuePropName="checked">
              <Switch checkedChildren="是" unCheckedChildren="否" />
            </Form.Item>
          </Col>
          <Col xs={8}>
            <Form.Item name="vbp" label="集采中选" valuePropName="checked">
              <Switch checkedChildren="是" unCheckedChildren="否" />
            </Form.Item>
          </Col>
          {vbp && (
            <>
              <Col xs={12} md={8}>
                <Form.Item name="vbpBatch" label="集采批次">
                  <AutoComplete options={options(VBP_BATCHES)} placeholder="如 第七批" maxLength={30} />
                </Form.Item>
              </Col>
              <Col xs={12} md={8}>
                <Form.Item name="vbpPrice" label={`中选价格（元/${packUnit || '包装'}）`} rules={priceRules('中选价格')}>
                  <Input inputMode="decimal" suffix="元" />
                </Form.Item>
              </Col>
            </>
          )}
          <Col xs={12} md={8}>
            <Form.Item name="referencePrice" label={`集采前参考价（元/${packUnit || '包装'}）`} rules={priceRules('参考价')} tooltip="用于计算集采节约金额">
              <Input inputMode="decimal" suffix="元" />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start" plain>
          采购与库存
        </Divider>
        <Row gutter={12}>
          <Col xs={24} md={12}>
            <Form.Item
              name="defaultSupplierId"
              label="默认配送企业"
              extra={supplierHasNoPrice ? <Typography.Text type="warning">该企业尚未为此药品报合同价，采购时无法自动带出价格</Typography.Text> : undefined}
            >
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                placeholder="选择配送企业"
                loading={suppliers.isLoading}
                options={suppliers.data
                  ?.filter((s) => s.active || s.id === drug?.defaultSupplierId)
                  .map((s) => ({ value: s.id, label: s.active ? s.name : `${s.name}（已停用）`, disabled: !s.active }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="tracePrefix" label="追溯码前缀" rules={[check(tracePrefixProblem)]} tooltip="药品追溯码的前 7 位，用于扫码识别药品">
              <Input maxLength={7} inputMode="numeric" placeholder="7 位数字" />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            {qty('hubMin', '中心库下限')}
          </Col>
          <Col xs={12} md={6}>
            {qty('hubMax', '中心库上限', 'hubMin')}
          </Col>
          <Col xs={12} md={6}>
            {qty('clinicMin', '村室下限')}
          </Col>
          <Col xs={12} md={6}>
            {qty('clinicMax', '村室上限', 'clinicMin')}
          </Col>
        </Row>
        {drug && (
          <>
            <Form.Item name="active" label="状态" valuePropName="checked">
              <Switch checkedChildren="启用" unCheckedChildren="停用" />
            </Form.Item>
            <Divider titlePlacement="start" plain>
              合同价
            </Divider>
            <DrugPrices drug={drug} />
          </>
        )}
      </Form>
    </Drawer>
  );
}

import { useState } from 'react';
import { Card, Descriptions, Empty, Space, Typography } from 'antd';
import type { DrugHit } from '../../../../shared/contract/catalog';
import { formatPack, formatQty } from '../../../../shared/units';
import { useApiQuery } from '../../api/hooks';
import { useSession } from '../../stores/session';
import { Page } from '../../components/Page';
import { DrugBadges, DrugPicker } from '../../components/DrugPicker';

const INSURANCE = { A: '甲类', B: '乙类', none: '非医保' } as const;

/** 药品查询 for village doctors: find a drug of the hub's catalog and see the stock of their own clinic. */
export default function DrugLookupPage() {
  const user = useSession((s) => s.user)!;
  const clinics = useApiQuery('clinics.list', { includeInactive: false });
  const storeId = clinics.data?.find((c) => c.id === user.clinicId)?.storeId;
  const [hit, setHit] = useState<DrugHit | null>(null);
  const detail = useApiQuery('catalog.get', { id: hit?.id ?? 0 }, { enabled: hit !== null });
  const d = detail.data;

  return (
    <Page title="药品查询" subTitle="输入药品名称或拼音首字母（如 amxl），查看规格、医保类别和本室库存">
      <Space direction="vertical" size={16} style={{ width: '100%' }}>
        <DrugPicker storeId={storeId} onSelect={setHit} autoFocus size="large" placeholder="药品名称或拼音首字母" />
        {hit ? (
          <Card
            title={
              <Space wrap size={6}>
                <span>{hit.genericName}</span>
                {hit.tradeName && <Typography.Text type="secondary">（{hit.tradeName}）</Typography.Text>}
              </Space>
            }
            extra={<DrugBadges hit={hit} />}
          >
            <Descriptions column={{ xs: 1, sm: 2 }} size="small">
              <Descriptions.Item label="本室库存">
                <Typography.Text strong type={hit.stockQty ? undefined : 'danger'}>
                  {hit.stockQty === null ? '—' : formatQty(hit.stockQty, hit.packSize, hit.packUnit, hit.baseUnit)}
                </Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label="规格">{hit.spec}</Descriptions.Item>
              <Descriptions.Item label="剂型">{hit.dosageForm}</Descriptions.Item>
              <Descriptions.Item label="包装">{formatPack(hit.packSize, hit.packUnit, hit.baseUnit)}</Descriptions.Item>
              <Descriptions.Item label="生产企业">{hit.manufacturer}</Descriptions.Item>
              <Descriptions.Item label="医保类别">{INSURANCE[hit.insuranceClass]}</Descriptions.Item>
              <Descriptions.Item label="处方类别">{hit.rx ? '处方药' : 'OTC'}</Descriptions.Item>
              <Descriptions.Item label="批准文号">{hit.approvalNo ?? '—'}</Descriptions.Item>
              <Descriptions.Item label="医保编码">
                <Typography.Text code style={{ wordBreak: 'break-all' }}>
                  {hit.nhsaCode}
                </Typography.Text>
              </Descriptions.Item>
              {d?.clinicMin != null && <Descriptions.Item label="村室库存下限">{formatQty(d.clinicMin, d.packSize, d.packUnit, d.baseUnit)}</Descriptions.Item>}
            </Descriptions>
          </Card>
        ) : (
          <Empty description="在上面的检索框中输入药品名称或拼音首字母，用 ↑↓ 选择、Enter 确定" />
        )}
      </Space>
    </Page>
  );
}

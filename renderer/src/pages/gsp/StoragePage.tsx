import { useState } from 'react';
import { useCan } from '../../app/access';
import { Alert, Button, Card, Empty, Flex, Form, Input, InputNumber, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router';
import type { z } from 'zod';
import type { gspApi } from '../../../../shared/contract/gsp';
import { AREA_DEFAULT_RANGES, AREA_KIND_LABELS, formatTemp, parseTemp, READING_SLOT_LABELS, type AreaKind } from '../../../../shared/gsp';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { StoreSelect } from '../../components/StoreSelect';
import { hubMonth } from '../../components/hubClock';
import { useSession } from '../../stores/session';
import { LoggerImport } from './LoggerImport';

type Today = z.infer<(typeof gspApi)['storage.today']['output']>;
type AreaToday = Today['areas'][number];
type Slot = Today['currentSlot'];

function SlotTag({ area, slot }: { area: AreaToday; slot: Slot }) {
  const c = area[slot];
  if (c.reading)
    return (
      <Tag color={c.reading.inRange ? 'green' : 'red'}>
        {READING_SLOT_LABELS[slot]} {formatTemp(c.reading.temperature)} {c.reading.humidity}%
      </Tag>
    );
  return <Tag color={c.missed ? 'red' : 'default'}>{`${READING_SLOT_LABELS[slot]}${c.missed ? '缺记' : '未记录'}`}</Tag>;
}

/** The clinics' areas as the hub watches them: one row each, today's two readings, the month's sheet. */
function ClinicAreasTable({ areas }: { areas: AreaToday[] }) {
  const navigate = useNavigate();
  return (
    <Table<AreaToday>
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={areas}
      scroll={{ x: 640 }}
      style={{ maxWidth: 940 }}
      columns={[
        { title: '库房', dataIndex: 'storeName' },
        { title: '储存区', key: 'name', render: (_, a) => `${a.name}（${formatTemp(a.tempMin)}–${formatTemp(a.tempMax)}）` },
        {
          title: '今天',
          key: 'today',
          render: (_, a) => (
            <Space size={4}>
              <SlotTag area={a} slot="am" />
              <SlotTag area={a} slot="pm" />
            </Space>
          ),
        },
        {
          title: '',
          key: 'print',
          width: 120,
          render: (_, a) => (
            <Button size="small" icon={<PrinterOutlined />} onClick={() => navigate(`/print/env-log/${a.id}/${hubMonth()}`)}>
              记录表
            </Button>
          ),
        },
      ]}
    />
  );
}

/** One area's card: the two readings of today, and the form for the one due now (no extra tap to open it). */
function AreaCard({ area, slot }: { area: AreaToday; slot: Slot }) {
  const navigate = useNavigate();
  const [temp, setTemp] = useState('');
  const [rh, setRh] = useState<number | null>(null);
  const [action, setAction] = useState('');
  const record = useApiMutation('storage.record', {
    success: `${area.name} ${READING_SLOT_LABELS[slot]}已记录`,
    onSuccess: () => {
      setTemp('');
      setRh(null);
      setAction('');
    },
  });
  const tenths = temp.trim() ? parseTemp(temp) : null;
  const outOfRange = tenths !== null && rh !== null && (tenths < area.tempMin || tenths > area.tempMax || rh < area.rhMin || rh > area.rhMax);
  const done = area[slot].reading;
  const canRecord = useCan('storage.record');
  const cell = (s: Slot) => <SlotTag area={area} slot={s} />;
  return (
    <Card
      size="small"
      title={
        <Space wrap size={4}>
          <span>{area.name}</span>
          <Typography.Text type="secondary" style={{ fontWeight: 'normal', fontSize: 12 }}>
            {area.storeName} {formatTemp(area.tempMin)}–{formatTemp(area.tempMax)}，{area.rhMin}–{area.rhMax}%
          </Typography.Text>
        </Space>
      }
      extra={
        <Button
          size="small"
          type="text"
          icon={<PrinterOutlined />}
          onClick={() => navigate(`/print/env-log/${area.id}/${hubMonth()}`)}
          title="本月温湿度记录表"
        />
      }
      style={{ width: '100%', maxWidth: 460 }}
    >
      <Space wrap style={{ marginBottom: done ? 0 : 8 }}>
        {cell('am')}
        {cell('pm')}
      </Space>
      {!done && canRecord && (
        <Form
          layout="vertical"
          onFinish={() =>
            tenths !== null && rh !== null && record.mutate({ areaId: area.id, slot, temperature: tenths, humidity: rh, action: action.trim() || null })
          }
        >
          <Flex gap={8}>
            <Form.Item label="温度" style={{ flex: 1, marginBottom: 8 }} validateStatus={temp && tenths === null ? 'error' : undefined}>
              <Input
                value={temp}
                onChange={(e) => setTemp(e.target.value)}
                inputMode="decimal"
                suffix="℃"
                aria-label={`${area.name}温度`}
                placeholder="如 5.2"
                size="large"
              />
            </Form.Item>
            <Form.Item label="相对湿度" style={{ flex: 1, marginBottom: 8 }}>
              <InputNumber
                value={rh}
                onChange={(v) => setRh(v)}
                min={0}
                max={100}
                precision={0}
                suffix="%"
                aria-label={`${area.name}湿度`}
                size="large"
                style={{ width: '100%' }}
                inputMode="numeric"
              />
            </Form.Item>
          </Flex>
          {outOfRange && (
            <Form.Item label="超出范围，采取的措施" required style={{ marginBottom: 8 }}>
              <Input.TextArea
                value={action}
                onChange={(e) => setAction(e.target.value)}
                rows={2}
                maxLength={200}
                aria-label="采取措施"
                placeholder="如：调低空调温度，半小时后复测"
              />
            </Form.Item>
          )}
          <Button
            type="primary"
            htmlType="submit"
            block
            size="large"
            loading={record.isPending}
            disabled={tenths === null || rh === null || (outOfRange && !action.trim())}
          >
            保存{READING_SLOT_LABELS[slot]}记录
          </Button>
        </Form>
      )}
    </Card>
  );
}

function NewArea() {
  const [storeId, setStoreId] = useState<number>();
  const [kind, setKind] = useState<AreaKind>('cold');
  const [name, setName] = useState('冷藏柜');
  const save = useApiMutation('storage.saveArea', { success: '储存区已保存' });
  return (
    <Space wrap>
      <StoreSelect value={storeId} onChange={setStoreId} style={{ width: 200 }} />
      <Select<AreaKind>
        value={kind}
        onChange={(k) => {
          setKind(k);
          setName(AREA_KIND_LABELS[k]);
        }}
        options={Object.entries(AREA_KIND_LABELS).map(([value, label]) => ({ value: value as AreaKind, label }))}
        style={{ width: 110 }}
        aria-label="储存区类型"
      />
      <Input value={name} onChange={(e) => setName(e.target.value)} style={{ width: 140 }} aria-label="储存区名称" maxLength={30} />
      <Button
        disabled={!storeId || !name.trim()}
        loading={save.isPending}
        onClick={() => save.mutate({ storeId: storeId!, name: name.trim(), kind, ...AREA_DEFAULT_RANGES[kind] })}
      >
        添加储存区
      </Button>
    </Space>
  );
}

/** 温湿度记录: every area the user sees, today's two readings, and what is still open. Made for a phone first. */
export default function StoragePage() {
  const role = useSession((s) => s.user?.role);
  const today = useApiQuery('storage.today', {});
  const t = today.data;
  const [view, setView] = useState<'hub' | 'clinics'>('hub');
  const hubRole = role !== 'village_doctor';
  const shown = t?.areas.filter((a) => !hubRole || a.clinicId === null) ?? [];
  return (
    <Page title="温湿度记录" subTitle={t ? `${t.date} ${READING_SLOT_LABELS[t.currentSlot]}：每个储存区每天上午、下午各记录一次` : undefined}>
      {t && t.issues.length > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12, maxWidth: 940 }}
          title={`近 7 天待处理 ${t.issues.length} 项`}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {t.issues.slice(0, 12).map((i) => (
                <li key={`${i.kind}-${i.areaId}-${i.readingDate}-${i.slot}`}>
                  {i.storeName} {i.areaName} {i.readingDate.slice(5)} {READING_SLOT_LABELS[i.slot]}：{i.kind === 'missed' ? '缺记' : i.detail}
                </li>
              ))}
            </ul>
          }
        />
      )}
      {t && t.areas.length === 0 && <Empty description={role === 'village_doctor' ? '本室还没有设置储存区，请联系中心药库' : '还没有储存区'} />}
      {hubRole && (
        <Segmented
          style={{ marginBottom: 12 }}
          value={view}
          onChange={(v) => setView(v as 'hub' | 'clinics')}
          options={[
            { value: 'hub', label: '中心药库' },
            { value: 'clinics', label: `各村卫生室（${t?.areas.filter((a) => a.clinicId !== null).length ?? 0}）` },
          ]}
        />
      )}
      {hubRole && view === 'clinics' ? (
        <ClinicAreasTable areas={t?.areas.filter((a) => a.clinicId !== null) ?? []} />
      ) : (
        <Flex wrap gap={12}>
          {shown.map((a) => (
            <AreaCard key={a.id} area={a} slot={t!.currentSlot} />
          ))}
        </Flex>
      )}
      {(role === 'pharmacist' || role === 'admin') && t && (
        <LoggerImport areas={t.areas.filter((a) => a.clinicId === null).map((a) => ({ id: a.id, name: a.name }))} />
      )}
      {(role === 'pharmacist' || role === 'admin') && (
        <Card size="small" title="设置储存区" style={{ marginTop: 16, maxWidth: 940 }}>
          <NewArea />
        </Card>
      )}
    </Page>
  );
}

import { useEffect, useState } from 'react';
import { Button, Card, Checkbox, Col, DatePicker, Form, InputNumber, Row, Space, Table, Tabs, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import type { MethodOutput } from '../../../../shared/contract';
import { WEEKDAY_LABELS } from '../../../../shared/supervision';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { useSession } from '../../stores/session';
import { RuleTag } from './labels';
import './supervision.css';

type Rule = MethodOutput<'supervision.rules'>[number];
type Schedule = MethodOutput<'supervision.schedules'>[number];

/** 规则与阈值: each rule in words with its thresholds; and the clinics' rest days that the closed-day rule reads. */
export default function RulesPage() {
  const rules = useApiQuery('supervision.rules', {});
  const schedules = useApiQuery('supervision.schedules', {});
  const role = useSession((s) => s.user?.role);
  const canEdit = role === 'admin' || role === 'pharmacist';
  return (
    <Page title="规则与阈值" subTitle="异常信号的判定规则、阈值，以及各村卫生室的休息日">
      <Tabs
        items={[
          {
            key: 'rules',
            label: '判定规则',
            children: (
              <Row gutter={[12, 12]}>
                {rules.data?.map((r) => (
                  <Col key={r.key} xs={24} xl={12}>
                    <RuleCard rule={r} canEdit={canEdit} />
                  </Col>
                ))}
              </Row>
            ),
          },
          {
            key: 'schedules',
            label: '休息日设置',
            children: (
              <Table<Schedule>
                rowKey="clinicId"
                size="small"
                loading={schedules.isLoading}
                dataSource={schedules.data}
                pagination={false}
                columns={[
                  { title: '村卫生室', key: 'c', width: 180, render: (_, s) => `${s.clinicCode} ${s.clinicName}` },
                  { title: '每周休息日与节假日', key: 'edit', render: (_, s) => <ScheduleEditor schedule={s} canEdit={canEdit} /> },
                ]}
              />
            ),
          },
        ]}
      />
    </Page>
  );
}

function RuleCard({ rule, canEdit }: { rule: Rule; canEdit: boolean }) {
  const [form] = Form.useForm<Record<string, number | null>>();
  const save = useApiMutation('supervision.setThresholds', {
    success: '阈值已保存',
    form,
  });
  useEffect(() => form.setFieldsValue(Object.fromEntries(rule.params.map((p) => [p.key, p.value]))), [rule, form]);
  return (
    <Card size="small" title={<RuleTag rule={rule.key} title={rule.title} />}>
      <Typography.Paragraph>{rule.description}</Typography.Paragraph>
      <Form form={form} layout="vertical" disabled={!canEdit} onFinish={(values) => save.mutate({ ruleKey: rule.key, values })}>
        <Row gutter={12}>
          {rule.params.map((p) => (
            <Col key={p.key} xs={24} md={12}>
              <Form.Item
                name={p.key}
                label={p.label}
                extra={p.value !== p.default ? `默认 ${p.default}` : undefined}
                rules={[{ required: true, message: `请填写${p.label}` }]}
              >
                <InputNumber
                  min={p.min}
                  max={p.max}
                  step={p.integer ? 1 : 0.1}
                  precision={p.integer ? 0 : undefined}
                  suffix={p.unit === 'fen' ? '分' : p.unit}
                  style={{ width: '100%' }}
                />
              </Form.Item>
            </Col>
          ))}
        </Row>
        {canEdit && (
          <Space>
            <Button type="primary" htmlType="submit" loading={save.isPending}>
              保存阈值
            </Button>
            <Button onClick={() => save.mutate({ ruleKey: rule.key, values: Object.fromEntries(rule.params.map((p) => [p.key, null])) })}>恢复默认</Button>
          </Space>
        )}
      </Form>
    </Card>
  );
}

function ScheduleEditor({ schedule, canEdit }: { schedule: Schedule; canEdit: boolean }) {
  const [rest, setRest] = useState<number[]>(schedule.restWeekdays);
  const [holidays, setHolidays] = useState<string[]>(schedule.holidays.map((h) => h.date));
  useEffect(() => {
    setRest(schedule.restWeekdays);
    setHolidays(schedule.holidays.map((h) => h.date));
  }, [schedule]);
  const save = useApiMutation('supervision.setSchedule', {
    success: '休息日已保存',
  });
  const names = new Map(schedule.holidays.map((h) => [h.date, h.name]));
  const dirty = rest.join(',') !== schedule.restWeekdays.join(',') || holidays.join(',') !== schedule.holidays.map((h) => h.date).join(',');
  return (
    <Space wrap>
      <Checkbox.Group
        disabled={!canEdit}
        value={rest}
        onChange={(v) => setRest((v as number[]).slice().sort())}
        options={[1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: d, label: WEEKDAY_LABELS[d] }))}
      />
      <DatePicker
        multiple
        disabled={!canEdit}
        placeholder="节假日"
        maxTagCount={4}
        value={holidays.map((d) => dayjs(d))}
        onChange={(v) => setHolidays(((v ?? []) as dayjs.Dayjs[]).map((x) => x.format('YYYY-MM-DD')).sort())}
        style={{ minWidth: 260 }}
        aria-label={`${schedule.clinicName}节假日`}
      />
      {rest.length === 0 && holidays.length === 0 && <Tag>未设置：休息日用药规则不评估本室</Tag>}
      {canEdit && (
        <Button
          size="small"
          type={dirty ? 'primary' : 'default'}
          disabled={!dirty}
          loading={save.isPending}
          onClick={() =>
            save.mutate({ clinicId: schedule.clinicId, restWeekdays: rest, holidays: holidays.map((date) => ({ date, name: names.get(date) ?? null })) })
          }
        >
          保存
        </Button>
      )}
    </Space>
  );
}

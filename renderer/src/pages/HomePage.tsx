import { Card, Col, Empty, Row, Skeleton, Statistic, Typography } from 'antd';
import { CheckCircleOutlined, RightOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import { ROLE_LABELS } from '../../../shared/contract/define';
import type { TodoItem } from '../../../shared/contract/workbench';
import { useApiQuery } from '../api/hooks';
import { useSession } from '../stores/session';
import { Page } from '../components/Page';
import { formatChinaDateTime, hubNow } from '../components/hubClock';

function greeting(now = hubNow()): string {
  const h = Number(formatChinaDateTime(now).slice(11, 13));
  return h < 11 ? '早上好' : h < 13 ? '中午好' : h < 18 ? '下午好' : '晚上好';
}

/** One to-do: its count, what it is, and a link to the screen where it is done. */
function TodoCard({ item }: { item: TodoItem }) {
  const urgent = item.tone === 'act' && item.count > 0;
  return (
    <Link to={item.link} className="todo-card-link" aria-label={`${item.label} ${item.count}`}>
      <Card size="small" hoverable className={urgent ? 'todo-card todo-urgent' : 'todo-card'}>
        <div className="todo-card-body">
          <Statistic value={item.count} styles={{ content: { color: urgent ? '#cf1322' : item.count > 0 ? '#d46b08' : 'rgba(0,0,0,0.45)' } }} />
          <div className="todo-card-text">
            <div>{item.label}</div>
            {item.hint && <Typography.Text type="secondary">{item.hint}</Typography.Text>}
          </div>
          <RightOutlined className="todo-card-arrow" />
        </div>
      </Card>
    </Link>
  );
}

function TodoGroup({ title, items }: { title: string; items: TodoItem[] }) {
  if (items.length === 0) return null;
  return (
    <>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {title}
      </Typography.Title>
      <Row gutter={[12, 12]}>
        {items.map((item) => (
          <Col key={item.key} xs={24} sm={12} lg={8} xl={6}>
            <TodoCard item={item} />
          </Col>
        ))}
      </Row>
    </>
  );
}

export default function HomePage() {
  const user = useSession((s) => s.user)!;
  const status = useSession((s) => s.status);
  const todos = useApiQuery('workbench.todos', {}, { refetchInterval: 60_000 });
  const isDoctor = user.role === 'village_doctor';
  const items = todos.data?.items ?? [];
  const act = items.filter((i) => i.tone === 'act');
  const nothingToDo = todos.data !== undefined && act.every((i) => i.count === 0);
  return (
    <Page
      title="工作台"
      subTitle={`${greeting()}，${user.displayName}（${ROLE_LABELS[user.role]}） · ${isDoctor ? (user.clinicName ?? '') : (status?.hubName ?? '')}`}
    >
      {todos.isLoading && <Skeleton active />}
      {nothingToDo && (
        <Empty image={<CheckCircleOutlined style={{ fontSize: 48, color: '#52c41a' }} />} description="没有等待您处理的事项" style={{ margin: '16px 0' }} />
      )}
      <TodoGroup title="待办" items={nothingToDo ? [] : act} />
      <TodoGroup title="关注" items={items.filter((i) => i.tone === 'watch')} />
    </Page>
  );
}

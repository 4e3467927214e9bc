import { Card, Col, Row, Statistic, Typography } from 'antd';
import { ROLE_LABELS } from '../../../shared/contract/define';
import { useApiQuery } from '../api/hooks';
import { useSession } from '../stores/session';
import { Page } from '../components/Page';

function greeting(now = new Date()): string {
  const h = now.getHours();
  return h < 11 ? '早上好' : h < 13 ? '中午好' : h < 18 ? '下午好' : '晚上好';
}

export default function HomePage() {
  const user = useSession((s) => s.user)!;
  const status = useSession((s) => s.status);
  const clinics = useApiQuery('clinics.list', { includeInactive: false });
  const isDoctor = user.role === 'village_doctor';
  return (
    <Page title="工作台" subTitle={`${greeting()}，${user.displayName}（${ROLE_LABELS[user.role]}）`}>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={12} lg={8}>
          <Card>
            <Statistic title={isDoctor ? '所属卫生室' : '卫生院'} value={isDoctor ? (user.clinicName ?? '') : (status?.hubName ?? '')} />
          </Card>
        </Col>
        {!isDoctor && (
          <Col xs={24} md={12} lg={8}>
            <Card>
              <Statistic title="在册村卫生室" value={clinics.data?.length ?? 0} suffix="个" loading={clinics.isLoading} />
            </Card>
          </Col>
        )}
        {!isDoctor && (
          <Col xs={24} md={12} lg={8}>
            <Card>
              <Statistic
                title="已绑定村医"
                value={clinics.data?.reduce((n, c) => n + c.doctorCount, 0) ?? 0}
                suffix="人"
                loading={clinics.isLoading}
              />
            </Card>
          </Col>
        )}
      </Row>
      <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
        从左侧菜单进入各项业务。
      </Typography.Paragraph>
    </Page>
  );
}

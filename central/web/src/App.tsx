import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Form, Input, Layout, Menu, Select, Space, Spin, Typography, App as AntApp } from 'antd';
import type { CentralRole } from '../../shared/contract';
import { call, CentralError, onUnauthenticated } from './api';
import { OverviewPage } from './pages/OverviewPage';
import { RankPage } from './pages/RankPage';
import { SignalsPage } from './pages/SignalsPage';
import { PackagesPage } from './pages/PackagesPage';
import { HubsPage, UsersPage, AuditPage } from './pages/AdminPages';

export interface Me {
  id: number;
  username: string;
  displayName: string;
  role: CentralRole;
  roleLabel: string;
  countyCode: string | null;
  mustChangePassword: boolean;
}

interface RangeState {
  from: string;
  to: string;
  periods: string[];
  setRange(from: string, to: string): void;
}
const RangeContext = createContext<RangeState | null>(null);
export const useRange = () => useContext(RangeContext)!;
const MeContext = createContext<Me | null>(null);
export const useMe = () => useContext(MeContext)!;

function LoginPage({ onDone }: { onDone: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div style={{ display: 'flex', justifyContent: 'center', paddingTop: 120 }}>
      <Card title="三统 · 地市医保监管平台" style={{ width: 380 }}>
        <Form
          layout="vertical"
          onFinish={async (v: { username: string; password: string }) => {
            setBusy(true);
            setError(null);
            try {
              await call('auth.login', v);
              onDone();
            } catch (e) {
              setError((e as Error).message);
            } finally {
              setBusy(false);
            }
          }}
        >
          <Form.Item label="用户名" name="username" rules={[{ required: true, message: '请填写用户名' }]}>
            <Input autoFocus autoComplete="username" />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[{ required: true, message: '请填写密码' }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          {error && <Typography.Paragraph type="danger">{error}</Typography.Paragraph>}
          <Button type="primary" htmlType="submit" block loading={busy}>
            登录
          </Button>
        </Form>
      </Card>
    </div>
  );
}

function ChangePasswordPage({ onDone }: { onDone: () => void }) {
  const { message } = AntApp.useApp();
  return (
    <div style={{ display: 'flex', justifyContent: 'center', paddingTop: 120 }}>
      <Card title="首次登录请修改密码" style={{ width: 380 }}>
        <Form
          layout="vertical"
          onFinish={async (v: { oldPassword: string; newPassword: string }) => {
            try {
              await call('auth.changePassword', v);
              onDone();
            } catch (e) {
              message.error((e as Error).message);
            }
          }}
        >
          <Form.Item label="原密码" name="oldPassword" rules={[{ required: true }]}>
            <Input.Password />
          </Form.Item>
          <Form.Item label="新密码（至少 10 位）" name="newPassword" rules={[{ required: true, min: 10 }]}>
            <Input.Password />
          </Form.Item>
          <Button type="primary" htmlType="submit" block>
            修改密码
          </Button>
        </Form>
      </Card>
    </div>
  );
}

function RangeProvider({ children }: { children: ReactNode }) {
  const periods = useQuery({ queryKey: ['periods'], queryFn: () => call<{ periods: string[] }>('overview.periods') });
  const [range, setRange] = useState<{ from: string; to: string } | null>(null);
  const list = periods.data?.periods ?? [];
  useEffect(() => {
    if (!range && periods.data) {
      const to = list[0] ?? '2026-01';
      setRange({ from: list[Math.min(2, list.length - 1)] ?? to, to });
    }
  }, [periods.data, range, list]);
  if (!range) return <Spin style={{ margin: 80 }} />;
  return <RangeContext.Provider value={{ ...range, periods: list, setRange: (from, to) => setRange({ from, to }) }}>{children}</RangeContext.Provider>;
}

function RangePicker() {
  const { from, to, periods, setRange } = useRange();
  const options = periods.map((p) => ({ value: p, label: `${p.slice(0, 4)}年${Number(p.slice(5))}月` }));
  // Months are 'YYYY-MM' strings: they compare as text (Math.min/max would make numbers of them).
  const later = (a: string, b: string) => (a > b ? a : b);
  const earlier = (a: string, b: string) => (a < b ? a : b);
  return (
    <Space>
      <span style={{ whiteSpace: 'nowrap' }}>统计月份</span>
      <Select aria-label="开始月份" value={from} options={options} style={{ width: 120 }} onChange={(v) => setRange(v, later(v, to))} />
      <span>至</span>
      <Select aria-label="结束月份" value={to} options={options} style={{ width: 120 }} onChange={(v) => setRange(earlier(v, from), v)} />
    </Space>
  );
}

function Shell({ me, onLogout }: { me: Me; onLogout: () => void }) {
  const navigate = useNavigate();
  const location = useLocation();
  const admin = me.role === 'prefecture_admin';
  const items = [
    { key: '/', label: '三保总览' },
    { key: '/rank', label: '排名' },
    { key: '/signals', label: '跨院信号' },
    { key: '/packages', label: '上报记录' },
    ...(admin
      ? [
          { key: '/hubs', label: '卫生院登记' },
          { key: '/users', label: '用户' },
          { key: '/audit', label: '审计日志' },
        ]
      : []),
  ];
  return (
    <MeContext.Provider value={me}>
      <RangeProvider>
        <Layout style={{ minHeight: '100vh' }}>
          <Layout.Header
            style={{
              display: 'flex',
              flexWrap: 'wrap',
              alignItems: 'center',
              columnGap: 24,
              rowGap: 8,
              height: 'auto',
              lineHeight: '48px',
              padding: '8px 24px',
              borderBottom: '1px solid #f0f0f0',
            }}
          >
            <Typography.Title level={4} style={{ margin: 0, whiteSpace: 'nowrap' }}>
              地市医保监管
            </Typography.Title>
            <Menu
              mode="horizontal"
              selectedKeys={[location.pathname]}
              items={items}
              onClick={(e) => navigate(e.key)}
              style={{ flex: 1, minWidth: 0, borderBottom: 'none' }}
            />
            <RangePicker />
            <span style={{ whiteSpace: 'nowrap' }}>
              {me.displayName}（{me.roleLabel}
              {me.countyCode ? ` · ${me.countyCode}` : ''}）
            </span>
            <Button
              onClick={async () => {
                await call('auth.logout').catch(() => {});
                onLogout();
              }}
            >
              退出
            </Button>
          </Layout.Header>
          <Layout.Content style={{ padding: 16 }}>
            <Routes>
              <Route path="/" element={<OverviewPage />} />
              <Route path="/rank" element={<RankPage />} />
              <Route path="/signals" element={<SignalsPage />} />
              <Route path="/packages" element={<PackagesPage />} />
              {admin && <Route path="/hubs" element={<HubsPage />} />}
              {admin && <Route path="/users" element={<UsersPage />} />}
              {admin && <Route path="/audit" element={<AuditPage />} />}
              <Route path="*" element={<Navigate to="/" replace />} />
            </Routes>
          </Layout.Content>
        </Layout>
      </RangeProvider>
    </MeContext.Provider>
  );
}

export function App() {
  const qc = useQueryClient();
  const me = useQuery({ queryKey: ['me'], queryFn: () => call<Me>('auth.me'), retry: false });
  useEffect(() => {
    const off = onUnauthenticated(() => void qc.resetQueries());
    return () => {
      off();
    };
  }, [qc]);
  const refresh = () => void qc.resetQueries();
  if (me.isLoading) return <Spin style={{ margin: 80 }} />;
  if (me.error || !me.data) {
    if (me.error && !(me.error instanceof CentralError)) return <Typography.Text type="danger">{(me.error as Error).message}</Typography.Text>;
    return <LoginPage onDone={refresh} />;
  }
  if (me.data.mustChangePassword) return <ChangePasswordPage onDone={refresh} />;
  return <Shell me={me.data} onLogout={refresh} />;
}

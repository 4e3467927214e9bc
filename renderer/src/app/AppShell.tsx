import { Suspense, useMemo, useState } from 'react';
import { Link, Route, Routes, useLocation, useNavigate } from 'react-router';
import { Alert, Avatar, Button, Drawer, Dropdown, Grid, Layout, Menu, Result, Space, Spin, Tag, Typography } from 'antd';
import type { MenuProps } from 'antd';
import { LogoutOutlined, MenuOutlined, UserOutlined, KeyOutlined } from '@ant-design/icons';
import { ROLE_LABELS } from '../../../shared/contract/define';
import { useSession } from '../stores/session';
import { NAV_GROUPS, ROUTES } from './routes';
import { KnownRoutesContext } from './knownRoutes';
import { HeaderCodeLookup } from './HeaderCodeLookup';
import { ShortcutHelpButton, ShortcutLayer } from './shortcuts';

const ROUTE_PATHS = ROUTES.map((r) => r.path);

const { Header, Sider, Content } = Layout;

function useMenuItems(): MenuProps['items'] {
  const role = useSession((s) => s.user?.role);
  return useMemo(() => {
    const visible = ROUTES.filter((r) => r.group && role && r.roles.includes(role));
    return NAV_GROUPS.flatMap((g): NonNullable<MenuProps['items']> => {
      const items = visible.filter((r) => r.group === g.key);
      if (items.length === 0) return [];
      if (g.key === 'home') return items.map((r) => ({ key: r.path, icon: r.icon ?? g.icon, label: <Link to={r.path}>{r.label}</Link> }));
      return [{ key: g.key, icon: g.icon, label: g.label, children: items.map((r) => ({ key: r.path, label: <Link to={r.path}>{r.label}</Link> })) }];
    });
  }, [role]);
}

function NavMenu({ onNavigate }: { onNavigate?: () => void }) {
  const items = useMenuItems();
  const { pathname } = useLocation();
  const openKeys = NAV_GROUPS.map((g) => g.key);
  return <Menu mode="inline" selectedKeys={[pathname]} defaultOpenKeys={openKeys} items={items} onClick={onNavigate} style={{ borderInlineEnd: 0 }} />;
}

export function AppShell() {
  const user = useSession((s) => s.user)!;
  const status = useSession((s) => s.status);
  const logout = useSession((s) => s.logout);
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const narrow = !screens.md;
  const [drawerOpen, setDrawerOpen] = useState(false);
  const canTrace = ROUTES.some((r) => r.path === '/trace' && r.roles.includes(user.role));

  const userMenu: MenuProps = {
    items: [
      { key: 'account', icon: <KeyOutlined />, label: '账号与密码' },
      { type: 'divider' },
      { key: 'logout', icon: <LogoutOutlined />, label: '退出登录' },
    ],
    onClick: ({ key }) => (key === 'logout' ? void logout() : navigate('/account')),
  };

  const brand = (
    <div className="brand">
      <span className="brand-mark">三统</span>
      {!narrow && <span className="brand-hub">{status?.hubName}</span>}
    </div>
  );

  return (
    <KnownRoutesContext.Provider value={ROUTE_PATHS}>
      <Layout style={{ minHeight: '100vh' }}>
        {!narrow && (
          <Sider width={216} theme="light" className="app-sider">
            {brand}
            <NavMenu />
          </Sider>
        )}
        <Layout>
          <Header className="app-header">
            <Space>
              {narrow && <Button type="text" icon={<MenuOutlined />} aria-label="打开导航菜单" onClick={() => setDrawerOpen(true)} />}
              {narrow && brand}
              {!narrow && user.clinicName && <Typography.Text strong>{user.clinicName}</Typography.Text>}
              {status?.demo && <Tag color="orange">演示数据</Tag>}
            </Space>
            <Space size={narrow ? 0 : 12}>
              {canTrace && <HeaderCodeLookup narrow={narrow} />}
              {!narrow && <ShortcutHelpButton />}
              <Dropdown menu={userMenu} trigger={['click']}>
                <Button type="text" aria-label="用户菜单">
                  <Space>
                    <Avatar size="small" icon={<UserOutlined />} />
                    {!narrow && <span>{user.displayName}</span>}
                    {!narrow && <Tag>{ROLE_LABELS[user.role]}</Tag>}
                  </Space>
                </Button>
              </Dropdown>
            </Space>
          </Header>
          <Content className="app-content">
            {status?.demo && !narrow && <Alert className="demo-banner" type="warning" showIcon title="这是演示卫生院，数据均为模拟生成，请勿用于实际业务。" />}
            <Suspense fallback={<Spin style={{ display: 'block', margin: 48 }} />}>
              <Routes>
                {ROUTES.filter((r) => r.roles.includes(user.role)).map((r) => (
                  <Route key={r.path} path={r.path} element={r.element} />
                ))}
                <Route path="*" element={<Result status="404" title="页面不存在或无权访问" extra={<Link to="/">返回工作台</Link>} />} />
              </Routes>
            </Suspense>
          </Content>
        </Layout>
        <Drawer
          open={drawerOpen}
          onClose={() => setDrawerOpen(false)}
          placement="left"
          size={240}
          title={status?.hubName}
          styles={{ body: { padding: 0 } }}
          // The page just opened from the menu keeps its focus (e.g. a search box), instead of the menu button.
          focusable={{ focusTriggerAfterClose: false }}
        >
          <NavMenu onNavigate={() => setDrawerOpen(false)} />
        </Drawer>
        <ShortcutLayer />
      </Layout>
    </KnownRoutesContext.Provider>
  );
}

import { lazy, Suspense, useEffect } from 'react';
import { useLocation } from 'react-router';
import { Button, Result, Spin } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { onRecoveryMode, onUnauthenticated } from '../api/client';
import { useSession } from '../stores/session';
import { AppShell } from './AppShell';
import SetupPage from '../pages/SetupPage';
import LoginPage from '../pages/LoginPage';
import ForcedPasswordChangePage from '../pages/ForcedPasswordChangePage';
import RecoveryPage from '../pages/system/RecoveryPage';
import DatabaseCheckPage from '../pages/system/DatabaseCheckPage';

/** Printable documents (/print/…) render without the app shell. */
const PrintRoutes = lazy(() => import('../print/PrintRoutes'));

/** Chooses between first-run setup, login, the forced password change and the app itself. */
export function App() {
  const phase = useSession((s) => s.phase);
  const user = useSession((s) => s.user);
  const load = useSession((s) => s.load);
  const signedOut = useSession((s) => s.signedOut);
  const recoveryMode = useSession((s) => s.recoveryMode);
  const queryClient = useQueryClient();
  const { pathname } = useLocation();

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(
    () =>
      onUnauthenticated(() => {
        queryClient.clear();
        signedOut();
      }),
    [queryClient, signedOut],
  );

  useEffect(
    () =>
      onRecoveryMode(() => {
        queryClient.clear();
        recoveryMode();
      }),
    [queryClient, recoveryMode],
  );

  // Nothing cached from one user may show for the next.
  useEffect(() => {
    if (!user) queryClient.clear();
  }, [user, queryClient]);

  switch (phase) {
    case 'loading':
      return <Spin size="large" style={{ display: 'block', marginTop: '30vh' }} />;
    case 'unreachable':
      return (
        <Result
          status="warning"
          title="无法连接到卫生院服务器"
          subTitle="请确认卫生院的电脑已开机、三统程序正在运行，并检查网络连接。"
          extra={
            <Button type="primary" onClick={() => void load()}>
              重试
            </Button>
          }
        />
      );
    case 'setup':
      return <SetupPage />;
    case 'recovery':
      return <RecoveryPage mode="damaged" />;
    case 'checking':
      return <DatabaseCheckPage />;
    case 'login':
      return <LoginPage />;
    case 'ready':
      if (user?.mustChangePassword) return <ForcedPasswordChangePage />;
      if (pathname.startsWith('/print/')) {
        return (
          <Suspense fallback={<Spin size="large" style={{ display: 'block', marginTop: '30vh' }} />}>
            <PrintRoutes />
          </Suspense>
        );
      }
      return <AppShell />;
  }
}

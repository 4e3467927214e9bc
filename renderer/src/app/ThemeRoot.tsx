import { useSyncExternalStore, type ReactNode } from 'react';
import { ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';

const REDUCED_MOTION = '(prefers-reduced-motion: reduce)';

function subscribeReducedMotion(onChange: () => void): () => void {
  const query = window.matchMedia(REDUCED_MOTION);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

/**
 * The look every screen shares. Users who asked their system for less motion (and old clinic PCs set
 * up that way) get dialogs and popovers that appear at once instead of zooming in.
 */
export function ThemeRoot({ children }: { children: ReactNode }) {
  const reducedMotion = useSyncExternalStore(subscribeReducedMotion, () => window.matchMedia(REDUCED_MOTION).matches);
  return (
    <ConfigProvider
      locale={zhCN}
      button={{ autoInsertSpace: false }}
      theme={{
        token: { colorPrimary: '#1677ff', borderRadius: 4, fontSize: 14, motion: !reducedMotion },
        components: { Layout: { headerBg: '#fff', headerHeight: 56, headerPadding: '0 16px', siderBg: '#fff' } },
      }}
    >
      {children}
    </ConfigProvider>
  );
}

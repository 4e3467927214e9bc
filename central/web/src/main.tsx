import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp } from 'antd';
import { ThemeRoot } from '../../../renderer/src/app/ThemeRoot';
import { CentralError } from './api';
import { App } from './App';

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 15_000, refetchOnWindowFocus: false, retry: (n, err) => !(err instanceof CentralError) && n < 2 } },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ThemeRoot>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <App />
          </BrowserRouter>
        </QueryClientProvider>
      </AntApp>
    </ThemeRoot>
  </StrictMode>,
);

import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import path from 'node:path';

// The prefecture server's pages: the hub's stack (React, antd, ECharts), built beside the hub's renderer.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.resolve(import.meta.dirname, '../../dist/central/web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    sourcemap: false,
  },
  server: { port: 5174, proxy: { '/api': 'http://127.0.0.1:8787' } },
});

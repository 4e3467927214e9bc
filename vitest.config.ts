import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    // better-sqlite3 is a native module: separate processes keep each test file's databases apart.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    // Test users are hashed with cheap scrypt parameters (production keeps its own; auth.test.ts checks it).
    setupFiles: ['tests/setup/cheap-passwords.ts'],
    environment: 'node',
    // better-sqlite3 is a native module: separate processes keep each test file's databases apart.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

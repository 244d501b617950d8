import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/cli/main.ts'],
      reporter: ['text', 'text-summary'],
      thresholds: {
        'src/core/**': { lines: 90 },
        'src/crypto/**': { lines: 90 },
        'src/cookie/**': { lines: 90 },
        'src/stores/**': { lines: 90 },
      },
    },
  },
});

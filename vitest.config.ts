import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests (and the README example test) import the package by its public names.
    alias: [
      { find: /^custos$/, replacement: src('index.ts') },
      { find: /^custos\/(express|node|fetch|fastify|koa|hono)$/, replacement: src('adapters/$1.ts') },
      { find: /^custos\/stores\/(memory|sqlite|redis|postgres|mysql|cookie)$/, replacement: src('stores/$1/index.ts') },
      { find: /^custos\/(testing|metrics|otel|edge)$/, replacement: src('$1/index.ts') },
      { find: /^custos\/express-session$/, replacement: src('adapters/express-session/index.ts') },
    ],
  },
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

import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
/** Outside test/ on purpose: the augmentation below is global and must not reach the repo's own type-check. */
const DIR = join(ROOT, 'node_modules/.cache', `custos-typecheck-${process.pid}`);

/** The declaration-merging path a user takes: declare the shape once, every adapter is typed by it. */
const AUGMENTED = `
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { expectTypeOf } from 'vitest';
import { sessions as expressSessions } from '../../../src/adapters/express.js';
import { sessions as fastifySessions } from '../../../src/adapters/fastify.js';
import { sessions as koaSessions } from '../../../src/adapters/koa.js';
import { createSessions, type Session, type SessionData } from '../../../src/index.js';

declare module '../../../src/index.js' {
  interface SessionData {
    cart: string[];
  }
}

const manager = createSessions({ secrets: ['t'.repeat(40)] });
expectTypeOf(manager.load).returns.resolves.toEqualTypeOf<Session<SessionData>>();

express().use(expressSessions(manager), (req, res) => {
  expectTypeOf(req.session.get('cart')).toEqualTypeOf<string[] | undefined>();
  // @ts-expect-error: a number is not a string[]
  req.session.set('cart', 1);
  // @ts-expect-error: not a declared key
  req.session.get('basket');
  res.end();
});

const fastify = Fastify();
void fastify.register(fastifySessions, { manager });
fastify.get('/', async (request) => {
  expectTypeOf(request.session.get('cart')).toEqualTypeOf<string[] | undefined>();
  return 'ok';
});

new Koa().use(koaSessions(manager)).use((ctx) => {
  expectTypeOf(ctx.session.get('cart')).toEqualTypeOf<string[] | undefined>();
});
`;

afterAll(() => rm(DIR, { recursive: true, force: true }));

it('typed session data compiles as declared and misuse fails to compile (generic and declaration merging)', async () => {
  await mkdir(DIR, { recursive: true });
  await writeFile(join(DIR, 'augmented.ts'), AUGMENTED);
  await writeFile(
    join(DIR, 'tsconfig.json'),
    JSON.stringify({
      extends: '../../../tsconfig.json',
      compilerOptions: { noEmit: true, incremental: false },
      include: [],
      files: ['augmented.ts', '../../../test/types/generic-data.test.ts'],
    }),
  );
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const output = await promisify(execFile)(process.execPath, [tsc, '-p', join(DIR, 'tsconfig.json')], {
    cwd: ROOT,
  }).then(
    ({ stdout }) => stdout,
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  // Only our files: an in-progress file elsewhere in src/ is not what this test judges.
  const ours = output
    .split('\n')
    .filter((line) =>
      /(augmented\.ts|generic-data\.test\.ts|src\/adapters\/(express|fastify|koa|hono)\.ts)\(/.test(line),
    );
  expect(ours).toEqual([]);
  expect(output).not.toMatch(/error TS(5083|6053|18003)/);
}, 120_000);

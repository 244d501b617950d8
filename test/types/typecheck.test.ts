import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { compileAgainstSources, PROJECT_DID_NOT_LOAD, typescriptCompilers } from '../packaging/typescript-compilers.js';

const ROOT = resolve(import.meta.dirname, '../..');
/** Outside test/ on purpose: the augmentation below is global and must not reach the repo's own type-check. */
const DIR = join(ROOT, 'node_modules/.cache', `custos-typecheck-${process.pid}`);
/** Absolute, so the sources checked are this checkout's even where node_modules is a symlink. */
const SRC = join(ROOT, 'src');

/** The declaration-merging path a user takes: declare the shape once, every adapter is typed by it. */
const AUGMENTED = `
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { expectTypeOf } from 'vitest';
import { sessions as expressSessions } from '${SRC}/adapters/express.js';
import { sessions as fastifySessions } from '${SRC}/adapters/fastify.js';
import { sessions as koaSessions } from '${SRC}/adapters/koa.js';
import { createSessions, type Session, type SessionData } from '${SRC}/index.js';

declare module '${SRC}/index.js' {
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

for (const compiler of typescriptCompilers(ROOT)) {
  it(`TypeScript ${compiler.version}: typed session data compiles as declared and misuse fails to compile (generic and declaration merging)`, async () => {
    const output = await compileAgainstSources(
      compiler,
      ROOT,
      join(DIR, `ts${compiler.major}`),
      { 'augmented.ts': AUGMENTED },
      [join(ROOT, 'test/types/generic-data.test.ts')],
    );
    // Only our files: an in-progress file elsewhere in src/ is not what this test judges.
    const ours = output
      .split('\n')
      .filter((line) =>
        /(augmented\.ts|generic-data\.test\.ts|src\/adapters\/(express|fastify|koa|hono)\.ts)\(/.test(line),
      );
    expect(ours).toEqual([]);
    expect(output).not.toMatch(PROJECT_DID_NOT_LOAD);
  }, 120_000);
}

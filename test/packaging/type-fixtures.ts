/**
 * Tiny TypeScript projects, one per `moduleResolution` a user may have, type-checked against the
 * installed tarball by each TypeScript major in typescript-compilers.ts (strings, for the reason
 * given in consumer-sources.ts). Each imports every
 * subpath, so a subpath whose types do not resolve fails with TS2307, and each has misuse under
 * `@ts-expect-error`, so types that resolved to `any` fail too.
 */

import { expressSessionApp } from './express-session-app-types.js';

export interface TypeFixture {
  /** Folder inside the consumer app; its package.json `type` decides ESM or CommonJS. */
  dir: string;
  type: 'module' | 'commonjs';
  compilerOptions: Record<string, unknown>;
  source: string;
  /** What the fixture proves; every subpath's types by default. */
  proves?: string;
  /** A mode only one TypeScript major has (see typescript-compilers.ts); both by default. */
  onlyUnder?: 5 | 7;
}

const importEverySubpath = (subpaths: string[], style: 'esm' | 'cjs') =>
  subpaths
    .map((subpath, i) =>
      style === 'esm'
        ? `import * as subpath${i} from '${subpath}';\nvoid subpath${i};`
        : `import subpath${i} = require('${subpath}');\nvoid subpath${i};`,
    )
    .join('\n');

const ESM_USE = `
import session from 'custos/express-session';
import { MemoryStore, type ExpressSessionOptions } from 'custos/express-session';
import { createSessions, type Session, type SessionData } from 'custos';
import { memoryStore } from 'custos/stores/memory';

declare module 'custos' {
  interface SessionData {
    cart: string[];
  }
}

const options: ExpressSessionOptions = { secret: 'a secret of at least thirty-two bytes', resave: false };
const middleware = session(options);
void middleware.manager;
const store: InstanceType<typeof session.Store> = new MemoryStore();
void store;
const manager = createSessions({ secrets: ['x'.repeat(40)], store: memoryStore() });
declare const live: Session<SessionData>;
const cart: string[] | undefined = live.get('cart');
void cart; void manager;
// @ts-expect-error: the factory takes an options object
session(42);
// @ts-expect-error: a number is not a string[]
live.set('cart', 1);
`;

/** A CommonJS file: `import x = require()` is how TypeScript spells `const x = require()`. */
const CJS_USE = `
import session = require('custos/express-session');
import custos = require('custos');
import { memoryStore } from 'custos/stores/memory';

declare module 'custos' {
  interface SessionData {
    cart: string[];
  }
}

const options: session.ExpressSessionOptions = { secret: 'a secret of at least thirty-two bytes', resave: false };
const middleware = session(options);
void middleware.manager;
const store: session.Store = new session.MemoryStore();
void store;
const manager = custos.createSessions({ secrets: ['x'.repeat(40)], store: memoryStore() });
declare const live: custos.Session<custos.SessionData>;
const cart: string[] | undefined = live.get('cart');
void cart; void manager;
// @ts-expect-error: the factory takes an options object
session(42);
// @ts-expect-error: a number is not a string[]
live.set('cart', 1);
// @ts-expect-error: not an export
session.Nope;
`;

const BASE = {
  target: 'ES2022',
  lib: ['ES2023', 'DOM', 'DOM.Iterable'],
  strict: true,
  noEmit: true,
  esModuleInterop: true,
  types: ['node'],
};

/** The fixtures a given TypeScript major compiles: each mode it has, none it removed. */
export function typeFixtures(subpaths: string[], major: 5 | 7): TypeFixture[] {
  return allTypeFixtures(subpaths).filter((fixture) => (fixture.onlyUnder ?? major) === major);
}

function allTypeFixtures(subpaths: string[]): TypeFixture[] {
  const esm = `${ESM_USE}\n${importEverySubpath(subpaths, 'esm')}\n`;
  const cjs = `${CJS_USE}\n${importEverySubpath(subpaths, 'cjs')}\n`;
  return [
    // The ESM projects' own .d.ts files are lib-checked by the main consumer test already.
    {
      dir: 'types-node16-esm',
      type: 'module',
      compilerOptions: { ...BASE, module: 'Node16', moduleResolution: 'Node16', skipLibCheck: true },
      source: esm,
    },
    {
      dir: 'types-bundler',
      type: 'module',
      compilerOptions: { ...BASE, module: 'ESNext', moduleResolution: 'Bundler', skipLibCheck: true },
      source: esm,
    },
    // The CommonJS views (.d.cts) are ours alone to check: skipLibCheck off.
    {
      dir: 'types-nodenext-cjs',
      type: 'commonjs',
      compilerOptions: { ...BASE, module: 'NodeNext', moduleResolution: 'NodeNext', skipLibCheck: false },
      source: cjs,
    },
    // TypeScript's node16 models a Node whose require() cannot load ES modules, so it flags the
    // CommonJS declarations' own import of the ESM ones; with skipLibCheck (tsc --init's default)
    // the user's code still type-checks, which is what the README promises.
    {
      dir: 'types-node16-cjs',
      type: 'commonjs',
      compilerOptions: { ...BASE, module: 'Node16', moduleResolution: 'Node16', skipLibCheck: true },
      source: cjs,
    },
    {
      dir: 'types-node10-cjs',
      onlyUnder: 5,
      type: 'commonjs',
      compilerOptions: { ...BASE, module: 'CommonJS', moduleResolution: 'Node10', skipLibCheck: false },
      source: cjs,
    },
    // What a node10 project becomes on TypeScript 7 once it drops the removed option: module
    // CommonJS with no moduleResolution, which 7 resolves as bundler with the require condition.
    {
      dir: 'types-commonjs-default-cjs',
      proves: 'every subpath resolves (.d.cts) with no moduleResolution set, misuse fails to compile',
      onlyUnder: 7,
      type: 'commonjs',
      compilerOptions: { ...BASE, module: 'CommonJS', skipLibCheck: false },
      source: cjs,
    },
    // An Express app on custos/express-session alone (req.session, req.sessionID, req.sessionStore
    // typed on Express's Request, SessionData augmented): without custos/express in the program,
    // as in a real app, since that entry's req.session takes precedence when both are loaded.
    ...expressSessionFixtures(),
  ];
}

const EXPRESS_APP = 'an Express app gets req.session (augmented), req.sessionID, req.sessionStore typed; misuse fails';

function expressSessionFixtures(): TypeFixture[] {
  const esm = expressSessionApp('custos/express-session', 'esm');
  const cjs = expressSessionApp('custos/express-session', 'cjs');
  const strict = { ...BASE, skipLibCheck: false };
  return [
    {
      dir: 'types-express-session-nodenext-esm',
      proves: EXPRESS_APP,
      type: 'module',
      compilerOptions: { ...strict, module: 'NodeNext', moduleResolution: 'NodeNext' },
      source: esm,
    },
    {
      dir: 'types-express-session-bundler',
      proves: EXPRESS_APP,
      type: 'module',
      compilerOptions: { ...strict, module: 'ESNext', moduleResolution: 'Bundler' },
      source: esm,
    },
    {
      dir: 'types-express-session-nodenext-cjs',
      proves: EXPRESS_APP,
      type: 'commonjs',
      compilerOptions: { ...strict, module: 'NodeNext', moduleResolution: 'NodeNext' },
      source: cjs,
    },
    {
      dir: 'types-express-session-node10-cjs',
      proves: EXPRESS_APP,
      onlyUnder: 5,
      type: 'commonjs',
      compilerOptions: { ...strict, module: 'CommonJS', moduleResolution: 'Node10' },
      source: cjs,
    },
    {
      dir: 'types-express-session-commonjs-default-cjs',
      proves: `${EXPRESS_APP} (no moduleResolution set)`,
      onlyUnder: 7,
      type: 'commonjs',
      compilerOptions: { ...strict, module: 'CommonJS' },
      source: cjs,
    },
  ];
}

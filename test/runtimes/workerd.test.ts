import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withSessions } from '../../src/adapters/fetch.js';
import { createSessions } from '../../src/index.js';
import { cookieStore } from '../../src/stores/cookie/index.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { parseSetCookie } from '../helpers/cookies.js';
import { freePort } from '../helpers/ports.js';
import { moduleGraph } from './module-graph.js';
import {
  bin,
  buildPackage,
  type PackageBuild,
  ROOT,
  type RuntimeServer,
  startRuntime,
  withRuntimeOutput,
} from './runtime-process.js';
import { driveSessionFlow } from './session-flow.js';

/** The fixed test key written out in test/fixtures/runtimes/edge-worker.mjs. */
const EDGE_SECRET = 'runtime-fixture-secret-0123456789abcdefghij';

/**
 * The Hono and Fetch adapters, in memory and sealed-cookie mode, compiled as shipped, on workerd
 * (Cloudflare's Workers runtime): a module worker (test/fixtures/runtimes/worker.mjs) loaded
 * unbundled, driven from Node over HTTP. custos's core calls node:crypto synchronously, so the
 * worker needs the `nodejs_compat` flag; the last test proves that requirement rather than
 * assuming it.
 */
const configDir = mkdtempSync(join(tmpdir(), 'custos-workerd-'));
let built: PackageBuild;
beforeAll(async () => {
  built = await buildPackage();
});
afterAll(async () => {
  await built?.remove();
  rmSync(configDir, { recursive: true, force: true });
});
/** The bare imports the worker's app makes, resolved as Node would (package.json `exports`). */
const PACKAGES = { hono: join(ROOT, 'node_modules', 'hono', 'dist', 'index.js') };
const workerGraph = (entry: string) => moduleGraph(`${built.fixtures}${entry}`, built.root, PACKAGES);

/**
 * Writes a config from workerd.capnp for `flags`. Embed paths are relative to the config file;
 * each mapped package also gets a module under its bare name that re-exports its entry, as a
 * bundler's resolution would.
 */
function writeConfig(port: number, flags: string[], entry: string): string {
  const graph = workerGraph(entry);
  const entries = graph.files.map(
    (module) => `(name = "${module.name}", esModule = embed "${relative(configDir, module.path)}")`,
  );
  // workerd looks a bare name up beside the module importing it ("hono" from a/b.mjs is a/hono).
  for (const [specifier, entry] of Object.entries(PACKAGES)) {
    const target = graph.files.find((module) => module.path === entry)?.name as string;
    for (const importer of graph.importersOf.get(specifier) ?? []) {
      const alias = join(dirname(importer), specifier);
      const source = `export * from '${relative(dirname(alias), target)}';`;
      entries.push(`(name = "${alias}", esModule = ${JSON.stringify(source)})`);
    }
  }
  const config = readFileSync(`${built.fixtures}workerd.capnp`, 'utf8')
    .replace('@PORT@', String(port))
    .replace('@FLAGS@', flags.map((flag) => JSON.stringify(flag)).join(', '))
    .replace('@MODULES@', entries.join(',\n    '));
  const file = join(configDir, `config-${entry}-${flags.join('-') || 'none'}.capnp`);
  writeFileSync(file, config);
  return file;
}

async function startWorkerd(flags: string[], entry = 'worker.mjs'): Promise<RuntimeServer> {
  const port = await freePort();
  // The main module is the first listed: the entry, which moduleGraph puts first.
  return startRuntime(bin('workerd'), ['serve', '--verbose', writeConfig(port, flags, entry)], {
    port,
    ready: /Listening on|listening on/i,
  });
}

describe('custos on workerd (nodejs_compat)', () => {
  let server: RuntimeServer;
  beforeAll(async () => {
    server = await startWorkerd(['nodejs_compat']);
  });
  afterAll(async () => {
    await server?.stop();
  });

  for (const adapter of ['hono', 'fetch'] as const) {
    for (const mode of ['memory', 'cookie'] as const) {
      it(`${adapter} adapter, ${mode} sessions: create, read back, CSRF refusal, login rotation, logout`, async () => {
        await withRuntimeOutput(server, () =>
          driveSessionFlow(server.origin, `${adapter}-${mode}`, /^workerd \(Cloudflare-Workers\)$/),
        );
      });
    }
  }

  it('a store that stops answering gives 503 on every request, not only the first: timers end with their request', async () => {
    const created = await fetch(`${server.origin}/store-hangs`, { method: 'POST' });
    expect(created.status).toBe(200);
    const session = created.headers
      .getSetCookie()
      .map(parseSetCookie)
      .find((cookie) => cookie.name === '__Host-sid');
    expect(session).toBeDefined();
    const cookie = `__Host-sid=${session?.value}`;
    // Each of these requests needs its own deadline: a timer armed while serving an earlier one
    // never fires once that response has gone (workerd cancels a finished request's timers).
    for (let attempt = 0; attempt < 3; attempt++) {
      const hung = await fetch(`${server.origin}/store-hangs`, { headers: { cookie, 'x-test-store-hangs': '1' } });
      expect(hung.status, await hung.text()).toBe(503);
    }
    const answered = await fetch(`${server.origin}/store-hangs`, { headers: { cookie } });
    expect(await answered.json()).toEqual({ visits: 1 });
  });

  it('raises no uncaught exception in the worker, only the documented per-process revocation warning', () => {
    const lines = server
      .stderr()
      .split('\n')
      .filter((line) => line.trim() !== '');
    const unexpected = lines.filter((line) => !/^Listening on |cookie-revocation-per-process/.test(line));
    expect(unexpected).toEqual([]);
  });
});

describe('what the edge path imports from Node', () => {
  it('is node:crypto and node:net, nothing else (what nodejs_compat must provide)', () => {
    const { external } = moduleGraph(`${built.fixtures}fetch-app.mjs`, built.root);
    expect([...external.keys()].sort()).toEqual(['node:crypto', 'node:net']);
  });

  it('without nodejs_compat workerd refuses the full adapters, which need node:crypto (custos/edge is the WebCrypto-only part)', async () => {
    const started = startWorkerd([]);
    await expect(started).rejects.toThrow(/node:(crypto|net|perf_hooks)/);
    // A server that did start would be a changed fact to document (and to stop).
    await started.then((server) => server.stop()).catch(() => {});
  });
});

describe('custos/edge on workerd with no compatibility flag (WebCrypto only)', () => {
  let server: RuntimeServer;
  beforeAll(async () => {
    server = await startWorkerd([], 'edge-worker.mjs');
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** A sealed session cookie issued by the Node side: custos/fetch in sealed-cookie mode, logged in. */
  async function issuedCookie(): Promise<string> {
    const manager = createSessions<{ plan: { tier: string } }>({
      secrets: [EDGE_SECRET],
      store: cookieStore({ revocation: memoryStore() }),
    });
    const handler = withSessions(manager, async (_request, session) => {
      await session.login('alice');
      session.set('plan', { tier: 'gold' });
      return new Response('ok');
    });
    const response = await handler(new Request('https://bank.test/login'));
    const cookie = response.headers
      .getSetCookie()
      .map(parseSetCookie)
      .find((line) => line.name === '__Host-sid');
    expect(cookie).toBeDefined();
    return cookie?.value as string;
  }

  const readOnWorkerd = async (cookie: string) => {
    const response = await fetch(`${server.origin}/`, { headers: { cookie: `__Host-sid=${cookie}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as { runtime: string; read: Record<string, unknown> };
  };

  it('imports no module the runtime must provide: the whole graph is custos files', () => {
    const { external } = moduleGraph(`${built.fixtures}edge-worker.mjs`, built.root);
    expect([...external.keys()]).toEqual([]);
  });

  it('reads the user and the data of a cookie the Node side sealed, and refuses an edited copy', async () => {
    const cookie = await issuedCookie();
    await withRuntimeOutput(server, async () => {
      const body = await readOnWorkerd(cookie);
      expect(body.runtime).toBe('Cloudflare-Workers');
      expect(body.read).toMatchObject({
        ok: true,
        revocationChecked: true,
        session: { userId: 'alice', data: { plan: { tier: 'gold' } } },
      });
      const middle = Math.floor(cookie.length / 2);
      const edited = cookie.slice(0, middle) + (cookie[middle] === 'A' ? 'B' : 'A') + cookie.slice(middle + 1);
      expect((await readOnWorkerd(edited)).read).toEqual({ ok: false, reason: 'bad-seal' });
    });
  });
});

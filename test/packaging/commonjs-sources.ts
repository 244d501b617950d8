/**
 * A CommonJS consumer of the installed tarball, as a string (see consumer-sources.ts for why):
 * require()s every subpath, compares it with what import() gives, and runs an express-session
 * style app written the way CommonJS Express apps are (`const session = require(...)`).
 */
export const SMOKE_CJS = `
'use strict';
const http = require('node:http');
const subpaths = JSON.parse(process.argv[2]);
const report = { node: process.versions.node, required: {}, sameAsImport: {}, session: {}, app: {} };

async function main() {
  for (const subpath of subpaths) {
    const required = require(subpath);
    const imported = await import(subpath);
    report.required[subpath] = { type: typeof required, keys: Object.keys(required).sort() };
    // One module instance behind both: the CommonJS entry is the ESM module, not a second build.
    report.sameAsImport[subpath] =
      typeof required === 'function'
        ? required === imported.default
        : Object.keys(imported).every((k) => required[k] === imported[k]);
  }

  const session = require('custos/express-session');
  const esm = await import('custos/express-session');
  report.session = {
    type: typeof session,
    isDefaultExport: session === esm.default,
    Store: typeof session.Store,
    MemoryStore: typeof session.MemoryStore,
    storeIsEsmStore: session.Store === esm.Store,
    // Whatever else the ESM entry exports by name (Cookie, Session, ...) rides on the function too.
    missingNamed: Object.keys(esm).filter((k) => k !== 'default' && session[k] !== esm[k]),
    dotDefault: session.default === session,
    memoryStoreIsStore: new session.MemoryStore() instanceof session.Store,
  };
  const { CustosError } = require('custos');
  report.sameErrorClass = CustosError === (await import('custos')).CustosError;

  // express-session's README view counter, over real HTTP.
  const express = require('express');
  const app = express();
  app.use(session({ secret: 'commonjs consumer secret, 32 bytes or more', resave: false, saveUninitialized: false }));
  app.get('/', (req, res) => {
    req.session.views = (req.session.views || 0) + 1;
    res.json({ views: req.session.views });
  });
  const server = http.createServer(app);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = 'http://127.0.0.1:' + server.address().port + '/';
  const first = await fetch(url);
  const cookie = first.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const second = await fetch(url, { headers: { cookie } });
  report.app = { cookie: cookie.length > 0, first: await first.json(), second: await second.json() };
  await new Promise((resolve) => server.close(resolve));
  console.log(JSON.stringify(report));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`;

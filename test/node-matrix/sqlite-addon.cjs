// Preloaded (NODE_OPTIONS=--require) by scripts/node-matrix.sh into every Node 22/24 process of a
// matrix run, vitest's forked workers and any `node` a test spawns included.
//
// Why: node_modules is installed once, with Node 20, so node_modules/better-sqlite3 holds an addon
// built for Node 20's ABI. The matrix script builds the same better-sqlite3 source against the other
// Node's headers into a cache outside the repo; this hook makes `require()` of the repo's addon file
// load that build instead. Only the .node file is swapped: the JavaScript is the repo's own, so the
// version under test is exactly the locked one, and the Node 20 build on disk is never touched.
'use strict';

const { registerHooks } = require('node:module');
const { pathToFileURL } = require('node:url');

const addon = process.env.CUSTOS_MATRIX_SQLITE_ADDON;
const abi = process.env.CUSTOS_MATRIX_SQLITE_ABI;
const repoAddon = /\/node_modules\/better-sqlite3\/build\/Release\/better_sqlite3\.node$/;

// A process of another Node (say a test that spawns /usr/bin/node by full path) inherits
// NODE_OPTIONS too: it must keep loading the build that matches its own ABI.
if (addon && abi === process.versions.modules) {
  const replacement = pathToFileURL(addon).href;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context);
      return repoAddon.test(resolved.url) ? { ...resolved, url: replacement } : resolved;
    },
  });
}

import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCycles, type Layer, layerViolations, readImportGraph } from './import-graph.js';

/**
 * The layers of src/, bottom → top. A file may import its own layer and anything below it;
 * never a layer above it, never a peer on its own rank. Why this order:
 *
 * 0. errors.ts: the one error class every layer may throw.
 * 1. vocabulary/: words every layer speaks (events, the request shape and header/loopback
 *    helpers, durations, warn-once), so no lower layer has to reach into core/ to name them.
 * 2. crypto/ and cookie/: primitives (tokens, seals, MACs; RFC 6265 parse/serialize). Peers:
 *    sealing knows nothing of cookie syntax and the other way round.
 * 3. protect/ and stores/: protect/ holds pure decisions (CSRF, Origin, HTTPS, proxies, hijack,
 *    guessing) over a request and plain values; stores/ holds the store contract and its
 *    implementations. Peers: a decision never touches storage, a store never decides policy.
 * 4. options.ts: resolves the user's options out of protect/'s and stores/' vocabulary.
 * 5. core/: the engine (sessions, the manager, the sealed-cookie mode, the glue that applies
 *    protect/'s decisions to a session).
 * 6. adapters/, backup/, metrics/, testing/: each built on the engine, none on another; and
 *    edge/, which reads what the engine writes (core/'s field layout, the cookie format) with
 *    WebCrypto and imports nothing that needs node:crypto.
 * 7. otel/ (reuses metrics/' timed store) and cli/ (drives backup/).
 * 8. index.ts: the main entry, which re-exports from everywhere below.
 *
 * No exceptions: a new import that runs back up means the shared piece belongs lower down.
 */
const LAYERS: readonly (readonly Layer[])[] = [
  [{ name: 'errors', holds: ['errors.ts'] }],
  [{ name: 'vocabulary', holds: ['vocabulary/'] }],
  [
    { name: 'crypto', holds: ['crypto/'] },
    { name: 'cookie', holds: ['cookie/'] },
  ],
  [
    { name: 'protect', holds: ['protect/'] },
    { name: 'stores', holds: ['stores/'] },
  ],
  [{ name: 'options', holds: ['options.ts'] }],
  [{ name: 'core', holds: ['core/'] }],
  [
    { name: 'adapters', holds: ['adapters/'] },
    { name: 'edge', holds: ['edge/'] },
    { name: 'backup', holds: ['backup/'] },
    { name: 'metrics', holds: ['metrics/'] },
    { name: 'testing', holds: ['testing/'] },
  ],
  [
    { name: 'otel', holds: ['otel/'] },
    { name: 'cli', holds: ['cli/'] },
  ],
  [{ name: 'main entry', holds: ['index.ts'] }],
];

const graph = readImportGraph(resolve(import.meta.dirname, '../../src'));

describe('src/ is layered', () => {
  it('reads the whole tree', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(graph.get('index.ts')).toContain('core/manager.ts');
  });

  it('has no import that runs back up the layer order or sideways to a peer', () => {
    expect(layerViolations(graph, LAYERS)).toEqual([]);
  });

  it('has no import circle between files', () => {
    expect(findCycles(graph)).toEqual([]);
  });
});

describe('the layer check itself', () => {
  const toy: readonly (readonly Layer[])[] = [
    [{ name: 'low', holds: ['low/'] }],
    [
      { name: 'left', holds: ['left.ts'] },
      { name: 'right', holds: ['right.ts'] },
    ],
  ];

  it('reports an import back up, an import to a peer and a file no layer holds', () => {
    const bad = new Map([
      ['low/a.ts', ['left.ts']],
      ['left.ts', ['right.ts', 'low/a.ts']],
      ['right.ts', []],
      ['stray.ts', []],
    ]);
    expect(layerViolations(bad, toy)).toEqual([
      'low/a.ts -> left.ts (low imports left, which sits above it)',
      'left.ts -> right.ts (left imports its peer right)',
      'stray.ts belongs to no layer',
    ]);
  });

  it('finds a three-file circle and a file that imports itself', () => {
    const circles = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['d.ts', 'a.ts']],
    ]);
    expect(findCycles(circles)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['d.ts']]);
  });
});

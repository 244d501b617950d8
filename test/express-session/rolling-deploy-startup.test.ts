import expressSession from 'express-session';
import { describe, expect, it, vi } from 'vitest';
import custosSession from '../../src/adapters/express-session/index.js';
import type { SessionEvent } from '../../src/vocabulary/events.js';

// Passes through: only counts what reaches the console (the once-per-process warning).
const emitted = vi.spyOn(process, 'emitWarning');

describe('custos.rollingDeploy: what it says and what it still enforces', () => {
  it('warns once per process, and raises a config-warning event per instance, naming the plaintext store and when to turn it off', () => {
    const events: SessionEvent[] = [];
    const store = new expressSession.MemoryStore();
    for (let i = 0; i < 2; i++) {
      custosSession({
        secret: 'x'.repeat(40),
        store: store as never,
        custos: { rollingDeploy: true, onEvent: (e) => events.push(e) },
      });
    }
    expect(events.filter((e) => e.reason === 'rolling-deploy-plaintext-sessions')).toHaveLength(2);
    // Both instances run in this one process (as every file does): the console heard it once.
    const printed = emitted.mock.calls.filter(
      ([, o]) => (o as { code?: string } | undefined)?.code === 'CUSTOS_ROLLING_DEPLOY',
    );
    expect(printed).toHaveLength(1);
    expect(String(printed[0]?.[0])).toMatch(
      /plaintext in the store.*unhashed.*Turn it off as soon as no instance runs express-session/s,
    );
  });

  it('is refused at startup without an express-session store', () => {
    expect(() => custosSession({ secret: 'x'.repeat(40), custos: { rollingDeploy: true } })).toThrow(
      /rollingDeploy needs the express-session store/,
    );
  });
});

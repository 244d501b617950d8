import { describe, expect, it } from 'vitest';
import { createSessions, type SessionEvent } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory/index.js';
import { manualClock, SECRET_A, SECRET_B } from '../helpers/clock.js';
import { finish, req } from '../helpers/requests.js';
import type { Data } from './session-lifecycle-fixture.js';

describe('key rotation', () => {
  it('a cookie signed under an older secret works and is re-issued under the newest; data is resealed', async () => {
    const clock = manualClock();
    const store = memoryStore();
    const before = createSessions<Data>({ secrets: [SECRET_A], store, clock });
    const s = await before.load(req());
    s.set('theme', 'dark');
    const { cookie } = await finish(s);
    const events: SessionEvent[] = [];
    const after = createSessions<Data>({ secrets: [SECRET_B, SECRET_A], store, clock, onEvent: (e) => events.push(e) });
    const t = await after.load(req(cookie));
    expect(t.get('theme')).toBe('dark');
    const { cookie: reissued } = await finish(t, cookie);
    expect(reissued).not.toBe(cookie);
    expect(events.map((e) => e.type)).toContain('key-rotated');
    const onlyNew = createSessions<Data>({ secrets: [SECRET_B], store, clock });
    const u = await onlyNew.load(req(reissued));
    expect(u.get('theme')).toBe('dark');
    expect((await onlyNew.load(req(cookie))).get('theme')).toBeUndefined();
  });
});

import assert from 'node:assert/strict';
import { pageFromList } from '../../core/device-list.js';
import { makeRecord, makeUserId } from '../records.js';
import type { StoreBehaviourContext } from './context.js';
import { ids } from './record-lists.js';

/** Store conformance: listByUserPage (or the core fallback over listByUser) pages through a user's records. */
export function userPagingBehaviours({ t, store }: StoreBehaviourContext): void {
  t.it(
    'listByUserPage (or the core fallback) pages through every live record exactly once, ties included',
    async () => {
      const s = store();
      const pageOf = (userId: string, page: { limit: number; after: string | null }) =>
        s.listByUserPage ? s.listByUserPage(userId, page) : pageFromList(s, userId, page.limit, page.after);
      const userId = makeUserId();
      const now = Date.now();
      // Groups of records sharing createdAt and expiresAt: a cursor must split a tie correctly.
      const mine = Array.from({ length: 23 }, (_, i) =>
        makeRecord({
          userId,
          createdAt: now - Math.floor(i / 4) * 1000,
          expiresAt: now + 600_000 - Math.floor(i / 4),
        }),
      );
      const gone = makeRecord({ userId });
      for (const r of [...mine, gone, makeRecord()]) await s.create(r);
      await s.destroy(gone.id);
      const seen: string[] = [];
      let after: string | null = null;
      for (let pages = 0; pages < 40; pages++) {
        const page = await pageOf(userId, { limit: 5, after });
        assert.ok(page.records.length <= 5, 'a page holds at most `limit` records');
        for (const r of page.records) assert.equal(r.userId, userId);
        seen.push(...ids(page.records));
        after = page.next;
        if (after === null) break;
        assert.match(after, /^\d{1,16}:[A-Za-z0-9_-]{1,128}$/);
      }
      assert.equal(after, null, 'paging never reached the end');
      assert.deepEqual([...seen].sort(), ids(mine).sort(), 'every live record exactly once');
      assert.equal(new Set(seen).size, seen.length, 'no record on two pages');
    },
  );
}

import { describe, expect, it } from 'vitest';
import type { PatchResult, SessionPatch, StoredSession } from '../../src/stores/contract.js';
import { MemoryStore } from '../../src/stores/memory/index.js';
import { applyPatch } from '../../src/stores/patch.js';
import { type ConformanceFactory, runStoreConformance } from '../../src/testing/store-conformance.js';

/**
 * Runs the conformance suite inside a tiny in-memory runner and returns which tests failed, so we
 * can show that the suite catches a store that breaks one rule.
 */
async function failingTests(factory: ConformanceFactory): Promise<string[]> {
  const tests: Array<{ name: string; body: () => Promise<void> }> = [];
  const before: Array<() => Promise<void>> = [];
  const after: Array<() => Promise<void>> = [];
  runStoreConformance('mutant', factory, {
    describe: (_name, body) => body(),
    it: (name, body) => tests.push({ name, body }),
    beforeEach: (body) => before.push(body),
    afterEach: (body) => after.push(body),
  });
  const failed: string[] = [];
  for (const test of tests) {
    try {
      for (const hook of before) await hook();
      await test.body();
    } catch {
      failed.push(test.name);
    } finally {
      for (const hook of after) await hook();
    }
  }
  return failed;
}

const mutant =
  (make: () => MemoryStore): ConformanceFactory =>
  async () => ({ store: make() });

/** Patches by read-modify-write across an await, the classic lost update. */
class RacyPatchStore extends MemoryStore {
  override async patch(id: string, patch: SessionPatch): Promise<PatchResult> {
    const record = await this.get(id);
    if (!record) return 'missing';
    await new Promise((resolve) => setImmediate(resolve));
    await this.importRecords([applyPatch(record, { ...patch, expect: undefined })]);
    return 'ok';
  }
}

/** Treats patch as an upsert: a destroyed record comes back. */
class ResurrectingStore extends MemoryStore {
  override async patch(id: string, patch: SessionPatch): Promise<PatchResult> {
    const result = await super.patch(id, patch);
    if (result !== 'missing') return result;
    const blank: StoredSession = {
      id,
      verifier: 'x',
      userId: null,
      createdAt: 0,
      lastSeenAt: 0,
      authenticatedAt: null,
      absoluteExpiresAt: 0,
      expiresAt: 0,
      fields: {},
    };
    await this.create(applyPatch(blank, patch));
    return 'ok';
  }
}

/** Forgets revokeAll. */
class NoEpochStore extends MemoryStore {
  override async revokeAll(): Promise<void> {}
}

/** Ignores the purge limit. */
class UnboundedPurgeStore extends MemoryStore {
  override async purgeExpired(now: number): Promise<number> {
    return super.purgeExpired(now, Number.POSITIVE_INFINITY);
  }
}

describe('store conformance suite catches broken stores', () => {
  it('passes the reference memory store', async () => {
    expect(await failingTests(mutant(() => new MemoryStore()))).toEqual([]);
  });

  it('catches lost updates from a read-modify-write patch', async () => {
    const failed = await failingTests(mutant(() => new RacyPatchStore()));
    expect(failed).toContain('100 parallel patches each setting a distinct field keep all 100');
    expect(failed).toContain('50 parallel compare-and-set increments with retry end at 50');
    expect(failed).toContain('patch with a mismatching expect returns conflict and writes nothing');
  });

  it('catches a patch that resurrects a destroyed record', async () => {
    const failed = await failingTests(mutant(() => new ResurrectingStore()));
    expect(failed).toContain('patch never resurrects a destroyed record');
    expect(failed).toContain('patch on a missing id returns missing and does not create it');
  });

  it('catches a store without a revocation epoch', async () => {
    const failed = await failingTests(mutant(() => new NoEpochStore()));
    expect(failed).toContain('revokeAll makes every existing record absent for get, patch, list, export and count');
    expect(failed).toContain('a revoked id can be created again');
  });

  it('catches a purge that ignores its limit', async () => {
    expect(await failingTests(mutant(() => new UnboundedPurgeStore()))).toEqual([
      'purgeExpired deletes at most limit records per call',
    ]);
  });
});

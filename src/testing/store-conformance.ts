import type { SessionStore } from '../stores/contract.js';
import { closeBehaviours } from './store-behaviours/close.js';
import { concurrencyBehaviours } from './store-behaviours/concurrency.js';
import type { ConformanceRunner } from './store-behaviours/context.js';
import { createAndGetBehaviours } from './store-behaviours/create-and-get.js';
import { expiryBehaviours } from './store-behaviours/expiry.js';
import { exportImportBehaviours } from './store-behaviours/export-import.js';
import { fieldValueAndNameBehaviours } from './store-behaviours/field-values-and-names.js';
import { optionalMethodBehaviours } from './store-behaviours/optional-methods.js';
import { patchCompareAndSetBehaviours } from './store-behaviours/patch-compare-and-set.js';
import { patchFieldsBehaviours } from './store-behaviours/patch-fields.js';
import { patchMissingRecordBehaviours } from './store-behaviours/patch-missing-records.js';
import { revocationBehaviours } from './store-behaviours/revocation.js';
import { userIndexBehaviours } from './store-behaviours/user-index.js';
import { userPagingBehaviours } from './store-behaviours/user-paging.js';

export type { ConformanceRunner } from './store-behaviours/context.js';

export interface ConformanceSubject {
  store: SessionStore;
  /** Runs after `store.close()`: drop the key prefix, schema or temp file the factory made. */
  cleanup?: () => Promise<void>;
}

/**
 * Returns a fresh store for one test. Every call must give a store over an *empty* namespace
 * (unique key prefix, fresh table prefix or schema, new temp file): the suite counts, exports,
 * purges and revokes, and asserts exact results.
 */
export type ConformanceFactory = () => Promise<ConformanceSubject>;

/**
 * Registers the store conformance suite: one test per behaviour of the contract in
 * `custos/stores/contract`. A store is done when this suite passes.
 *
 * @example
 * import { describe, it, beforeEach, afterEach } from 'vitest';
 * import { runStoreConformance } from 'custos/testing';
 * import { memoryStore } from 'custos/stores/memory';
 *
 * runStoreConformance('memory', async () => ({ store: memoryStore() }), { describe, it, beforeEach, afterEach });
 */
export function runStoreConformance(label: string, factory: ConformanceFactory, t: ConformanceRunner): void {
  t.describe(`store conformance: ${label}`, () => {
    let subject: ConformanceSubject | undefined;
    let extra: ConformanceSubject[] = [];
    let closed = false;
    const store = (): SessionStore => {
      if (!subject) throw new Error('store factory did not run');
      return subject.store;
    };
    /** A second, independent store (for export/import between stores). */
    const another = async (): Promise<SessionStore> => {
      const made = await factory();
      extra.push(made);
      return made.store;
    };

    t.beforeEach(async () => {
      closed = false;
      extra = [];
      subject = await factory();
    });

    t.afterEach(async () => {
      const all = subject ? [subject, ...extra] : extra;
      for (const [i, made] of all.entries()) {
        if (!(i === 0 && closed)) await made.store.close();
        await made.cleanup?.();
      }
      subject = undefined;
      extra = [];
    });

    // One file per behaviour of the contract, under store-behaviours/.
    const context = {
      t,
      store,
      another,
      markClosed: () => {
        closed = true;
      },
    };
    createAndGetBehaviours(context);
    patchFieldsBehaviours(context);
    patchCompareAndSetBehaviours(context);
    patchMissingRecordBehaviours(context);
    fieldValueAndNameBehaviours(context);
    userIndexBehaviours(context);
    userPagingBehaviours(context);
    revocationBehaviours(context);
    expiryBehaviours(context);
    exportImportBehaviours(context);
    optionalMethodBehaviours(context);
    concurrencyBehaviours(context);
    closeBehaviours(context);
  });
}

/**
 * `custos/stores`: opens a store from a connection URL, the way the `custos` CLI and the demo's
 * `CUSTOS_STORE` do, for scripts and admin tools that are handed a URL rather than a client.
 * Each store's own entry (`custos/stores/sqlite`, ...) stays the way for an application.
 */
export { type OpenedStore, type StoreUrlOptions, storeFromUrl } from './from-url.js';

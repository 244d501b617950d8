/**
 * Whether the app's express-session store is connected, as the store itself reports it. Stores
 * such as connect-redis and connect-mongo emit `disconnect` and `connect`; express-session then
 * serves requests without `req.session` instead of stalling each one on a dead backend, and so
 * does this entry. Stores that emit nothing are always taken as ready.
 */
export class StoreReadiness {
  #ready = true;

  constructor(store: unknown, onChange: (ready: boolean) => void) {
    const emitter = store as { on?: (event: string, listener: () => void) => unknown } | null;
    if (typeof emitter !== 'object' || emitter === null || typeof emitter.on !== 'function') return;
    emitter.on('disconnect', () => {
      if (this.#ready) onChange(false);
      this.#ready = false;
    });
    emitter.on('connect', () => {
      if (!this.#ready) onChange(true);
      this.#ready = true;
    });
  }

  get ready(): boolean {
    return this.#ready;
  }
}

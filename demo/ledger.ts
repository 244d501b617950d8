/** Balances and transfers, in memory: the demo's stand-in for a core banking system. */
export interface Transfer {
  readonly at: number;
  readonly from: string;
  readonly to: string;
  readonly amount: number;
}

export const OPENING_BALANCES: Readonly<Record<string, number>> = {
  alice: 5_000,
  bob: 3_000,
  admin: 0,
  attacker: 0,
};

export type TransferResult = { ok: true } | { ok: false; message: string };

export class Ledger {
  readonly #balances = new Map<string, number>(Object.entries(OPENING_BALANCES));
  readonly #transfers: Transfer[] = [];

  balance(user: string): number {
    return this.#balances.get(user) ?? 0;
  }

  /** The user's transfers in and out, newest first. */
  history(user: string): Transfer[] {
    return this.#transfers.filter((t) => t.from === user || t.to === user).reverse();
  }

  transfer(from: string, to: unknown, amount: unknown): TransferResult {
    const recipient = typeof to === 'string' ? to.trim().toLowerCase() : '';
    const value = typeof amount === 'string' ? Number(amount) : Number.NaN;
    if (!this.#balances.has(recipient)) return { ok: false, message: 'Unknown recipient.' };
    if (recipient === from) return { ok: false, message: 'You cannot send money to yourself.' };
    if (!Number.isInteger(value) || value <= 0) return { ok: false, message: 'Enter a whole, positive amount.' };
    if (value > this.balance(from)) return { ok: false, message: 'Insufficient funds.' };
    this.#balances.set(from, this.balance(from) - value);
    this.#balances.set(recipient, this.balance(recipient) + value);
    this.#transfers.push({ at: Date.now(), from, to: recipient, amount: value });
    return { ok: true };
  }
}

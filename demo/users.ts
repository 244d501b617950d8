import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

export interface User {
  readonly name: string;
  readonly role: 'user' | 'admin';
  passwordHash: string;
  email: string;
}

/**
 * OWASP Password Storage Cheat Sheet: argon2id (the library's default algorithm; its enum is a
 * const enum, unusable under isolatedModules), 19 MiB, 2 iterations, 1 lane.
 */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** The contract's seeded users, plus the hostile site's own account (it logs victims in as it). */
export const SEEDED_USERS = [
  { name: 'alice', password: 'alice-correct-horse', role: 'user' },
  { name: 'bob', password: 'bob-battery-staple', role: 'user' },
  { name: 'admin', password: 'admin-tr0ub4dor', role: 'admin' },
  { name: 'attacker', password: 'attacker-owns-this', role: 'user' },
] as const;

/** Accounts and passwords. Verification does the same argon2 work whether the user exists or not. */
export class UserDirectory {
  readonly #users = new Map<string, User>();
  /** Hash of a random password: unknown users are checked against it (checklist AUTH enumeration rows). */
  #dummyHash = '';

  static async seeded(): Promise<UserDirectory> {
    const directory = new UserDirectory();
    const hashes = await Promise.all([
      ...SEEDED_USERS.map((u) => hash(u.password, ARGON2)),
      hash(randomBytes(24).toString('base64url'), ARGON2),
    ]);
    SEEDED_USERS.forEach((u, i) => {
      directory.#users.set(u.name, {
        name: u.name,
        role: u.role,
        passwordHash: hashes[i] as string,
        email: `${u.name}@bank.example`,
      });
    });
    directory.#dummyHash = hashes[SEEDED_USERS.length] as string;
    return directory;
  }

  find(name: string): User | undefined {
    return this.#users.get(name);
  }

  names(): string[] {
    return [...this.#users.keys()];
  }

  /** The user if the password is right, else null; always one argon2 verification. */
  async authenticate(name: string, password: string): Promise<User | null> {
    const user = typeof name === 'string' ? this.#users.get(name.trim().toLowerCase()) : undefined;
    const candidate = typeof password === 'string' ? password.slice(0, 1024) : '';
    const ok = await verify(user?.passwordHash ?? this.#dummyHash, candidate).catch(() => false);
    return user && ok ? user : null;
  }

  async setPassword(user: User, password: string): Promise<void> {
    user.passwordHash = await hash(password, ARGON2);
  }
}

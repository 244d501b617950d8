import type { Command } from 'commander';
import { exportSessions } from '../../backup/sessions.js';
import { checkPageRequest, pageFromList } from '../../core/device-list.js';
import { storedClient } from '../../core/internal-fields.js';
import type { Keyring } from '../../crypto/keyring.js';
import type { SessionStore, StoredSession } from '../../stores/contract.js';
import { isRevocationRecord } from '../../stores/cookie/revocation.js';
import { type GlobalOptions, loadKeyring, positiveInt, storeUrl, withStore } from '../config.js';
import { cookieRevocationIn, splitCookieUrl } from '../cookie-mode.js';
import { UsageError } from '../exit-codes.js';
import { formatTime, note, out, plural, table, truncate } from '../output.js';

/** What an operator may see of a session: never the token, never its data (checklist TRM-05). */
interface SessionRow {
  handle: string;
  userId: string | null;
  device: string | null;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

/** The user-agent summary is sealed like every field; it opens only with the app's secrets. */
function deviceOf(record: StoredSession, keyring: Keyring | null): string | null {
  return keyring === null ? null : (storedClient(keyring, record).device ?? null);
}

function toRow(record: StoredSession, keyring: Keyring | null): SessionRow {
  return {
    handle: record.id,
    userId: record.userId,
    device: deviceOf(record, keyring),
    createdAt: record.createdAt,
    lastSeenAt: record.lastSeenAt,
    expiresAt: record.expiresAt,
  };
}

interface ListOptions extends GlobalOptions {
  user?: string;
  json?: boolean;
  limit?: number;
  cursor?: string;
}

/**
 * One page of a user's sessions: the store's own page query where it has one (its cost does not
 * grow with the user's total), the core's fallback otherwise; the next cursor goes to stderr.
 */
async function userPage(store: SessionStore, options: ListOptions, now: number): Promise<StoredSession[]> {
  let checked: { limit: number; after: string | null };
  try {
    checked = checkPageRequest({ limit: options.limit, cursor: options.cursor });
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (--limit, --cursor)`);
  }
  const { limit, after } = checked;
  const user = options.user as string;
  const page = store.listByUserPage
    ? await store.listByUserPage(user, { limit, after })
    : await pageFromList(store, user, limit, after);
  if (page.next !== null) note(`more sessions: add --cursor ${page.next}`);
  return page.records.filter((r) => r.expiresAt > now);
}

async function list(options: ListOptions): Promise<void> {
  const keyring = loadKeyring(options);
  const { cookie } = splitCookieUrl(storeUrl(options));
  const rows = await withStore(options, async ({ store }) => {
    const now = Date.now();
    const found: StoredSession[] = [];
    if (options.user !== undefined) {
      found.push(...(await userPage(store, options, now)));
    } else {
      if (options.cursor !== undefined) throw new UsageError('--cursor pages the sessions of one user: add --user');
      // Revocation records of sealed-cookie mode share the store but are not sessions.
      for await (const r of exportSessions(store, { now })) if (!isRevocationRecord(r)) found.push(r);
    }
    if (await cookieRevocationIn(store, cookie)) {
      note(
        'this store keeps sealed-cookie revocations: sealed sessions live in browser cookies and are not listed (sign them out with `sessions revoke --user` or `--all`)',
      );
    }
    found.sort((a, b) => b.createdAt - a.createdAt);
    return found.slice(0, options.limit ?? found.length).map((r) => toRow(r, keyring));
  });
  if (keyring === null && !options.json)
    note('no secrets given (CUSTOS_SECRETS or --secrets-file): devices stay sealed');
  if (options.json) {
    out(
      JSON.stringify(
        rows.map((r) => ({
          ...r,
          createdAt: new Date(r.createdAt).toISOString(),
          lastSeenAt: new Date(r.lastSeenAt).toISOString(),
          expiresAt: new Date(r.expiresAt).toISOString(),
        })),
        null,
        2,
      ),
    );
    return;
  }
  out(
    table(
      ['HANDLE', 'USER', 'DEVICE', 'CREATED', 'LAST SEEN', 'EXPIRES'],
      rows.map((r) => [
        r.handle,
        r.userId ?? '(anonymous)',
        truncate(r.device ?? (keyring ? '(unknown)' : '(sealed)'), 40),
        formatTime(r.createdAt),
        formatTime(r.lastSeenAt),
        formatTime(r.expiresAt),
      ]),
    ),
  );
  out(plural(rows.length, 'session'));
}

/** A public handle: 128 random bits in base64url (src/core/token.ts). */
const HANDLE = /^[A-Za-z0-9_-]{22}$/;

interface RevokeOptions extends GlobalOptions {
  user?: string;
  all?: boolean;
}

/**
 * `args` are the command's operands. Handles are base64url and 1 in 64 starts with `-`, so the
 * command lets unknown options through as operands (commander would refuse `-UNjK…` as an option)
 * and tells a mistyped option from a handle here.
 */
async function revoke(args: readonly string[], options: RevokeOptions): Promise<void> {
  const [handle, ...extra] = args;
  if (extra.length > 0) {
    throw new UsageError(
      handle?.startsWith('-') ? `unknown option '${handle}'` : 'give one handle at a time (see `sessions list`)',
    );
  }
  const chosen = [handle !== undefined, options.user !== undefined, options.all === true].filter(Boolean).length;
  if (chosen !== 1) throw new UsageError('give exactly one of <handle>, --user <user> or --all');
  const { cookie } = splitCookieUrl(storeUrl(options));
  await withStore(options, async ({ store }) => {
    const revocation = await cookieRevocationIn(store, cookie);
    if (revocation) {
      // Sealed-cookie mode: nothing to delete, so write "not before" records. The store's epoch
      // is never bumped here: that would drop those very records (revocation.ts fails closed).
      const now = Date.now();
      if (options.all) {
        await revocation.notBeforeAll(now);
        out(`revoked every session: sealed cookies issued before ${formatTime(now)} are refused`);
      } else if (options.user !== undefined) {
        await revocation.notBefore(options.user, now);
        out(`revoked every sealed-cookie session of user ${options.user} issued before ${formatTime(now)}`);
      } else {
        if (!HANDLE.test(handle as string)) throw new UsageError(`${handle} is not a session handle`);
        await revocation.endSession(handle as string, now);
        out(`revoked session ${handle} (sealed sessions are not stored: its user is not known here)`);
      }
      return;
    }
    if (options.all) {
      // Global epoch: every session existing now reads as absent, without scanning (contract).
      await store.revokeAll();
      out('revoked every session: all existing sessions are signed out');
      return;
    }
    if (options.user !== undefined) {
      const n = await store.destroyByUser(options.user);
      out(`revoked ${plural(n, 'session')} of user ${options.user}`);
      return;
    }
    const record = await store.get(handle as string);
    if (!record) {
      const orOption = (handle as string).startsWith('-') ? ', and no option has that name' : '';
      throw new UsageError(`no live session with handle ${handle}${orOption}`);
    }
    await store.destroy(record.id);
    out(`revoked session ${record.id}${record.userId === null ? '' : ` of user ${record.userId}`}`);
  });
}

export function registerSessions(program: Command): void {
  const sessions = program.command('sessions').description('list and revoke sessions');
  sessions
    .command('list')
    .description('live sessions: handle, user, device, created, last seen, expires (never a token or data)')
    .option('--user <user>', 'only the sessions of this user')
    .option('--json', 'print JSON instead of a table')
    .option('--limit <n>', 'at most this many, newest first (a page of 50 with --user)', positiveInt('--limit'))
    .option('--cursor <cursor>', 'with --user: the next page, as printed by the previous one')
    .action((_options, command: Command) => list(command.optsWithGlobals()));
  sessions
    .command('revoke')
    .description('sign out one session, every session of a user, or everybody')
    .argument('[handle]', 'the public handle shown by `sessions list`')
    .option('--user <user>', 'revoke every session of this user')
    .option('--all', 'revoke every session of every user (global epoch, no scan)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action((_handle, _options, command: Command) => revoke(command.args, command.optsWithGlobals()));
}

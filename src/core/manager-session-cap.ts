import { CustosError } from '../errors.js';
import { warnOnce } from '../vocabulary/warn-once.js';
import { liveRecords } from './device-list.js';
import type { ManagerContext } from './manager-context.js';

/**
 * The per-user session cap (`maxSessionsPerUser`), applied before a login adds one more session:
 * refuse the login, or sign out the least recently used sessions. `defaultCap` says the cap was
 * not configured, so the developer hears once when it signs someone out.
 */
export async function makeRoomFor(ctx: ManagerContext, userId: string, defaultCap: boolean): Promise<void> {
  const { options } = ctx;
  const max = options.maxSessionsPerUser;
  if (max === Number.POSITIVE_INFINITY) return;
  // Metadata only: describing the sessions (listSessions) would open every record's sealed
  // fields, one AES-GCM open per field per session, on every login of a user near the cap.
  const live = liveRecords(await ctx.call('listByUser', () => ctx.store.listByUser(userId)), options);
  if (live.length < max) return;
  if (options.onMaxSessions === 'refuse') {
    throw new CustosError(
      'TOO_MANY_SESSIONS',
      `this account already has ${max} active sessions; sign out elsewhere first`,
    );
  }
  const oldest = live.sort((a, b) => a.lastSeenAt - b.lastSeenAt).slice(0, live.length - max + 1);
  for (const record of oldest) {
    await ctx.call('destroy', () => ctx.store.destroy(record.id));
    ctx.emit({ type: 'revoked', handle: record.id, userId, reason: 'max-sessions', count: 1 });
  }
  if (defaultCap) {
    warnOnce(
      'max-sessions-per-user-default',
      `a user reached the default cap of ${max} sessions and the least recently used was signed out; set maxSessionsPerUser (Infinity turns the cap off) or onMaxSessions: 'refuse'.`,
    );
  }
}

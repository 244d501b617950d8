import type { Command } from 'commander';
import { type GlobalOptions, positiveInt, withStore } from '../config.js';
import { out, table } from '../output.js';

interface StatsOptions extends GlobalOptions {
  top: number;
  json?: boolean;
}

export interface StoreStats {
  active: number;
  authenticated: number;
  anonymous: number;
  users: number;
  expiredAwaitingPurge: number;
  topUsers: { userId: string; sessions: number }[];
}

async function stats(options: StatsOptions): Promise<void> {
  const result = await withStore(options, async ({ store }) => {
    const now = Date.now();
    const perUser = new Map<string, number>();
    const s: StoreStats = {
      active: 0,
      authenticated: 0,
      anonymous: 0,
      users: 0,
      expiredAwaitingPurge: 0,
      topUsers: [],
    };
    for await (const record of store.exportRecords()) {
      if (record.expiresAt <= now) {
        s.expiredAwaitingPurge++;
        continue;
      }
      s.active++;
      if (record.userId === null) s.anonymous++;
      else {
        s.authenticated++;
        perUser.set(record.userId, (perUser.get(record.userId) ?? 0) + 1);
      }
    }
    s.users = perUser.size;
    s.topUsers = [...perUser]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, options.top)
      .map(([userId, sessions]) => ({ userId, sessions }));
    return s;
  });
  if (options.json) {
    out(JSON.stringify(result, null, 2));
    return;
  }
  out(`active sessions:         ${result.active} (${result.authenticated} signed in, ${result.anonymous} anonymous)`);
  out(`users with sessions:     ${result.users}`);
  out(`expired awaiting purge:  ${result.expiredAwaitingPurge}`);
  if (result.topUsers.length > 0) {
    out('');
    out(
      table(
        ['USER', 'SESSIONS'],
        result.topUsers.map((u) => [u.userId, String(u.sessions)]),
      ),
    );
  }
}

export function registerStats(program: Command): void {
  program
    .command('stats')
    .description('active sessions, sessions per user (top N), expired sessions awaiting purge')
    .option('--top <n>', 'how many users to list', positiveInt('--top'), 10)
    .option('--json', 'print JSON')
    .action((_options, command: Command) => stats(command.optsWithGlobals()));
}

import Database from 'better-sqlite3';

/** Counts statements executed through better-sqlite3 (every Statement shares one prototype). */
export function countSqliteStatements(): () => number {
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, unknown>;
  probe.close();
  let count = 0;
  for (const method of ['run', 'get', 'all', 'iterate']) {
    const original = proto[method] as (...a: unknown[]) => unknown;
    proto[method] = function counted(this: unknown, ...args: unknown[]) {
      count++;
      return original.apply(this, args);
    };
  }
  return () => count;
}

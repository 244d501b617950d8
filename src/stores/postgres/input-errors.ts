import { CustosError } from '../../errors.js';
import type { PgClientLike, PgPoolLike } from './pool.js';

/**
 * SQLSTATEs that mean "this value is not acceptable", said by a server that is up: class 22
 * (data exception: a NUL byte in text is 22021, in jsonb 22P05) and 54000 (program limit
 * exceeded, e.g. a user id too long for its index). PostgreSQL Appendix A.
 */
function isInputRejection(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code === '54000');
}

/** The driver's error as `INVALID_INPUT` (400), or unchanged: an outage stays an outage. */
function classify(error: unknown): unknown {
  if (!isInputRejection(error)) return error;
  const code = (error as { code: string }).code;
  // The message names the SQLSTATE only; the value PostgreSQL refused may be a user's data.
  return new CustosError(
    'INVALID_INPUT',
    `PostgreSQL refused a value (SQLSTATE ${code}): user ids, keys and session data must be valid text without NUL bytes and of reasonable size.`,
    { cause: error },
  );
}

const rethrow = (error: unknown): never => {
  throw classify(error);
};

function classifyingClient(client: PgClientLike): PgClientLike {
  return new Proxy(client, {
    get(target, property) {
      if (property === 'query') {
        return (text: string, values?: unknown[]) => target.query(text, values).catch(rethrow);
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The pool, with every query (pooled or in a transaction) reporting refused input as such. */
export function classifyInputErrors(pool: PgPoolLike): PgPoolLike {
  return {
    query: (text, values) => pool.query(text, values).catch(rethrow),
    connect: async () => classifyingClient(await pool.connect()),
    on: pool.on?.bind(pool),
    off: pool.off?.bind(pool),
  };
}

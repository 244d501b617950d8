import type { ServerResponse } from 'node:http';

/**
 * Calls the next middleware from inside custos's promise chain. Whatever a handler throws there
 * would otherwise become an unhandled rejection and leave the response hanging; instead it goes
 * to `next(error)` (Express's error handling), and if that throws too the request still gets a
 * generic 500 (no stack to the client, OWASP Error Handling) while the error is reported.
 */
export function nextSafely(next: (error?: unknown) => void, res: ServerResponse, error?: unknown): void {
  try {
    next(error);
    return;
  } catch (thrown) {
    if (error === undefined) {
      try {
        next(thrown);
        return;
      } catch (again) {
        fail(res, again);
        return;
      }
    }
    fail(res, thrown);
  }
}

function fail(res: ServerResponse, error: unknown): void {
  process.emitWarning(error instanceof Error ? error : new Error(String(error)));
  if (res.writableEnded) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = 500;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end('Internal Server Error');
}

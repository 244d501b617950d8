import type { IncomingMessage, ServerResponse } from 'node:http';
import { bareRequestLike } from '../adapters/node-shared.js';
import { type RequireJsonOptions, requireJson } from './content-type.js';

/**
 * Connect-style middleware for JSON endpoints (checklist CSRF-08): `text/plain`, form and
 * multipart bodies get 415 before the body parser or the handler sees them.
 *
 * @example
 * app.post('/api/transfer', jsonOnly(), express.json(), handler);
 */
export function jsonOnly(options: RequireJsonOptions = {}) {
  return function custosJsonOnly(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void {
    const verdict = requireJson(bareRequestLike(req), options);
    if (verdict.ok) {
      next();
      return;
    }
    res.statusCode = verdict.status;
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    res.end(verdict.status === 415 ? 'Unsupported Media Type' : 'Forbidden');
  };
}

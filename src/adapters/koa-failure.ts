import type { Context } from 'koa';
import type { FailureAnswer } from './error-body.js';

/** Makes a row of the failure table Koa's response: the status, its headers verbatim, its body. */
export function respondWithFailure(ctx: Context, answer: FailureAnswer): void {
  ctx.status = answer.status;
  // Koa's body setter picks a content type and length of its own; the table's headers win.
  ctx.body = answer.body;
  ctx.remove('content-type');
  for (const [name, value] of answer.headers) ctx.set(name, value);
}

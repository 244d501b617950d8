import type { FastifyReply } from 'fastify';
import type { FailureAnswer } from './error-body.js';

/** Sets a failure's status and headers on the reply (for `onSend`, where the payload is returned instead). */
export function setFailureHeaders(reply: FastifyReply, answer: FailureAnswer): FastifyReply {
  reply.code(answer.status);
  reply.removeHeader('content-length');
  for (const [name, value] of answer.headers) reply.header(name, value);
  return reply;
}

/** Sends a row of the failure table as the reply. */
export function sendFailure(reply: FastifyReply, answer: FailureAnswer): FastifyReply {
  const out = setFailureHeaders(reply, answer);
  return answer.body === '' ? out.send() : out.send(answer.body);
}

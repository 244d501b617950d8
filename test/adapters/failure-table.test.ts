import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failureAnswer, httpsRedirect, httpsRefusal } from '../../src/vocabulary/failure-text.js';

const ADAPTERS = resolve(import.meta.dirname, '../../src/adapters');
/** Code only: comments may name the headers they explain. */
const code = (file: string) =>
  readFileSync(join(ADAPTERS, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '');

describe('the failure table', () => {
  it('gives every failure a plain-text, uncacheable answer; only an outage says when to retry', () => {
    for (const status of [400, 401, 403, 409, 413, 415, 500, 503]) {
      const headers = new Map(failureAnswer(status).headers);
      expect(headers.get('content-type'), String(status)).toBe('text/plain; charset=utf-8');
      expect(headers.get('cache-control'), String(status)).toBe('no-store');
      // Bad input (400, 413) is not an outage: a retry would fail the same way (RFC 9110 §15.5).
      expect(headers.has('retry-after'), String(status)).toBe(status === 503);
    }
    expect(failureAnswer(503).body).toBe('Service unavailable');
    expect(httpsRefusal()).toMatchObject({ status: 403, body: 'HTTPS required' });
    const redirect = httpsRedirect(308, 'https://app.example/');
    expect(redirect.body).toBe('');
    expect(new Map(redirect.headers).get('location')).toBe('https://app.example/');
    expect(new Map(redirect.headers).has('content-type')).toBe(false);
  });

  it('is the only place an adapter takes a failure status, text or header from', () => {
    const files = readdirSync(ADAPTERS).filter((name) => name.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(20);
    const offenders = files.filter((file) =>
      /'no-store'|text\/plain|'cache-control'|'retry-after'|HTTPS required|statusCode = \d|\.code\(\d|status = \d/.test(
        code(file),
      ),
    );
    expect(offenders).toEqual([]);
  });
});

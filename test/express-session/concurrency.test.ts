import expressSession from 'express-session';
import { describe, expect, it } from 'vitest';
import custosSession from '../../src/adapters/express-session/index.js';
import { keptAfterParallelWrites } from './helpers/parallel.js';
import { readmeApp, type SessionFactory } from './helpers/readme-app.js';

describe('100 parallel requests setting different properties of one session', () => {
  it('custos/express-session keeps all 100; express-session is measured and printed', async () => {
    const custos = await keptAfterParallelWrites(readmeApp(custosSession as unknown as SessionFactory));
    const original = await keptAfterParallelWrites(readmeApp(expressSession as unknown as SessionFactory));
    console.log(
      `properties kept out of 100 parallel writes: custos/express-session ${custos}, express-session ${original}`,
    );
    expect(custos).toBe(100);
    expect(typeof original).toBe('number');
  });

  it('with resave: true custos still keeps all 100 (resave is ignored: only changed keys are written)', async () => {
    const app = readmeApp(custosSession as unknown as SessionFactory, { resave: true });
    expect(await keptAfterParallelWrites(app)).toBe(100);
  });
});

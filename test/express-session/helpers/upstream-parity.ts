import type express from 'express';
import custosSession from '../../../src/adapters/express-session/index.js';
import type { SessionFactory } from './readme-app.js';

/**
 * Shared by the test/express-session/upstream-parity-*.test.ts files: behaviours
 * express-session's own test suite checks, as an app or a library built on it sees them: the
 * wording of its startup errors, Buffer secrets, reload of a vanished session, and the
 * standalone `Cookie` constructor.
 */
export const session = custosSession as unknown as SessionFactory;
// biome-ignore lint/suspicious/noExplicitAny: express-session's req.session is untyped data
export type AnyReq = express.Request & { session: any };

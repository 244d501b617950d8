import { assertCookieRules } from '../../cookie/serialize.js';
import { Keyring, MIN_SECRET_BYTES } from '../../crypto/keyring.js';
import type { OpenedStore } from '../../stores/from-url.js';
import { isLoopbackHost } from '../../vocabulary/request.js';

export type Status = 'ok' | 'warn' | 'fail';
export interface Check {
  readonly status: Status;
  readonly topic: string;
  readonly detail: string;
}

const check = (status: Status, topic: string, detail: string): Check => ({ status, topic, detail });

/** Lengths, count and obvious weakness of the keyring; never prints a secret. */
export function checkSecrets(secrets: readonly string[]): Check[] {
  if (secrets.length === 0) return [check('fail', 'secrets', 'none given: set CUSTOS_SECRETS or --secrets-file')];
  const out: Check[] = [];
  try {
    new Keyring(secrets);
    const lengths = secrets.map((s) => Buffer.byteLength(s, 'utf8')).join(', ');
    out.push(
      check('ok', 'secrets', `${secrets.length} secret(s), byte lengths ${lengths} (minimum ${MIN_SECRET_BYTES})`),
    );
  } catch (error) {
    out.push(check('fail', 'secrets', (error as Error).message));
  }
  secrets.forEach((s, i) => {
    // A long secret made of few distinct characters ('aaaa…', a repeated word) is not random.
    if (new Set(s).size < 12)
      out.push(check('warn', 'secrets', `secrets[${i}] uses few distinct characters: use \`custos secret generate\``));
  });
  if (new Set(secrets).size !== secrets.length) out.push(check('warn', 'secrets', 'the same secret appears twice'));
  if (secrets.length > 3)
    out.push(check('warn', 'secrets', `${secrets.length} secrets: retire old ones once their sessions have expired`));
  return out;
}

export async function checkStore(opened: OpenedStore): Promise<Check> {
  const started = performance.now();
  if (opened.store.ping) await opened.store.ping();
  else await opened.store.get('doctor-health-check');
  const ms = (performance.now() - started).toFixed(1);
  return check('ok', 'store', `${opened.description} answers (${ms} ms)`);
}

export interface CookieSettings {
  origins: string[];
  name: string | undefined;
  domain: string | undefined;
  secure: boolean;
}

/** The cookie settings against the origins the app is served from (checklist CK-*, TLS-03). */
export function checkCookie(settings: CookieSettings): Check[] {
  const name = settings.name ?? (settings.secure ? '__Host-sid' : 'sid');
  const out: Check[] = [];
  try {
    assertCookieRules(name, {
      secure: settings.secure,
      domain: settings.domain,
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
    });
    out.push(
      check(
        'ok',
        'cookie',
        `${name}: HttpOnly, ${settings.secure ? 'Secure' : 'NOT Secure'}, ${settings.domain ? `Domain=${settings.domain}` : 'host-only'}`,
      ),
    );
  } catch (error) {
    out.push(check('fail', 'cookie', (error as Error).message));
  }
  if (settings.origins.length === 0) {
    out.push(check('warn', 'origin', 'CUSTOS_ORIGIN / --origin not set: cannot check the cookie against it'));
    return out;
  }
  for (const origin of settings.origins) out.push(checkOrigin(origin, settings));
  return out;
}

function checkOrigin(origin: string, settings: CookieSettings): Check {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return check('fail', 'origin', `${origin} is not a URL such as https://bank.example`);
  }
  if (url.origin !== origin.replace(/\/$/, '')) {
    return check('warn', 'origin', `${origin}: use scheme://host[:port] only; the Origin header is compared exactly`);
  }
  if (settings.domain && url.hostname !== settings.domain && !url.hostname.endsWith(`.${settings.domain}`)) {
    return check('fail', 'origin', `${origin}: cookie domain ${settings.domain} does not cover ${url.hostname}`);
  }
  if (url.protocol === 'https:') {
    if (!settings.secure)
      return check('warn', 'origin', `${origin}: cookie is not Secure, it would also travel over plain HTTP`);
    return check('ok', 'origin', `${origin}: HTTPS`);
  }
  if (url.protocol === 'http:' && isLoopbackHost(url.host)) {
    return check('ok', 'origin', `${origin}: plain HTTP on loopback (development only; browsers treat it as secure)`);
  }
  return check(
    'fail',
    'origin',
    `${origin}: plain HTTP; custos issues no cookie without TLS (checklist TLS-03): serve it over HTTPS`,
  );
}

/** This machine's clock against the store's, and sessions stamped in the future. */
export async function checkClock(opened: OpenedStore, now: () => number = Date.now): Promise<Check[]> {
  const out: Check[] = [];
  const year = new Date(now()).getUTCFullYear();
  if (year < 2024 || year > 2100) out.push(check('fail', 'clock', `this machine's clock says ${year}`));
  if (opened.serverTime) {
    const before = now();
    const server = await opened.serverTime();
    const skew = Math.round(server - (before + now()) / 2);
    const seconds = Math.abs(skew) / 1000;
    const status: Status = seconds > 60 ? 'fail' : seconds > 5 ? 'warn' : 'ok';
    out.push(check(status, 'clock', `store clock differs from this machine by ${seconds.toFixed(1)} s`));
  }
  let future = 0;
  let sampled = 0;
  for await (const record of opened.store.exportRecords()) {
    if (record.createdAt > now() + 60_000 || record.lastSeenAt > now() + 60_000) future++;
    if (++sampled >= 1000) break;
  }
  if (future > 0) {
    out.push(
      check(
        'warn',
        'clock',
        `${future} of ${sampled} sampled sessions were stamped in the future: an app server's clock is ahead`,
      ),
    );
  } else if (out.length === 0 || out.every((c) => c.status === 'ok')) {
    out.push(check('ok', 'clock', `no session stamped in the future (${sampled} sampled)`));
  }
  return out;
}

/**
 * The demo's environment contract (DESIGN.md, "The demo bank: contract"). Everything is
 * optional; `env` is passed in so tests can start several banks with different settings.
 */
export type DemoEnv = Readonly<Record<string, string | undefined>>;

export interface DemoConfig {
  readonly host: string;
  readonly port: number;
  /** `null` turns the hostile site off (`ATTACKER_PORT=0` in the environment). */
  readonly attackerPort: number | null;
  readonly store: string;
  readonly secrets: readonly string[] | null;
  /** Explicit origins; null means "http(s)://localhost:$PORT", worked out once the port is known. */
  readonly origins: readonly string[] | null;
  readonly idleTimeout: string;
  readonly absoluteTimeout: string;
  readonly freshAuth: string;
  readonly maxSessionsPerUser: number | undefined;
  readonly tls: { readonly certFile: string; readonly keyFile: string; readonly httpPort: number | null } | null;
  readonly trustedProxies: readonly string[];
  readonly dataDir: string;
  /** `GET /metrics` (Prometheus text); `METRICS=0` turns it off. */
  readonly metrics: boolean;
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function port(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new Error(`${name} must be a port number (0-65535).`);
  return n;
}

export function readConfig(env: DemoEnv): DemoConfig {
  const attacker = port(env.ATTACKER_PORT, 3001, 'ATTACKER_PORT');
  const max = env.CUSTOS_MAX_SESSIONS_PER_USER;
  const maxSessions = max === undefined || max.trim() === '' ? undefined : Number(max);
  if (maxSessions !== undefined && !(Number.isInteger(maxSessions) && maxSessions >= 1)) {
    throw new Error('CUSTOS_MAX_SESSIONS_PER_USER must be a whole number of at least 1.');
  }
  if (Boolean(env.TLS_CERT) !== Boolean(env.TLS_KEY)) throw new Error('Set both TLS_CERT and TLS_KEY, or neither.');
  const origins = list(env.CUSTOS_ORIGIN);
  return {
    host: env.HOST?.trim() || 'localhost',
    port: port(env.PORT, 3000, 'PORT'),
    attackerPort: attacker === 0 ? null : attacker,
    store: env.CUSTOS_STORE?.trim() || 'sqlite:.data/sessions.db',
    secrets: env.CUSTOS_SECRETS ? list(env.CUSTOS_SECRETS) : null,
    origins: origins.length > 0 ? origins : null,
    idleTimeout: env.CUSTOS_IDLE_TIMEOUT?.trim() || '30m',
    absoluteTimeout: env.CUSTOS_ABSOLUTE_TIMEOUT?.trim() || '12h',
    freshAuth: env.CUSTOS_FRESH_AUTH?.trim() || '5m',
    maxSessionsPerUser: maxSessions,
    tls:
      env.TLS_CERT && env.TLS_KEY
        ? {
            certFile: env.TLS_CERT,
            keyFile: env.TLS_KEY,
            httpPort: env.HTTP_PORT ? port(env.HTTP_PORT, 0, 'HTTP_PORT') : null,
          }
        : null,
    trustedProxies: list(env.TRUSTED_PROXIES),
    dataDir: env.DEMO_DATA_DIR?.trim() || '.data',
    metrics: !/^(0|false|off|no)$/i.test(env.METRICS?.trim() ?? ''),
  };
}

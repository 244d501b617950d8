/**
 * The little the core needs to know about a request. Adapters build it from their framework's
 * request; the core never sees a framework object.
 */
export interface RequestLike {
  readonly method: string;
  /** Path and query, or an absolute URL. */
  readonly url: string;
  /** A `Headers` object, or Node's lower-cased header record. */
  readonly headers: HeaderSource;
  /** The peer address (after trusted-proxy resolution by the adapter). */
  readonly remoteAddress?: string | undefined;
  /** Whether the client reached us over TLS (directly or through a trusted proxy). */
  readonly secure: boolean;
}

export type HeaderSource =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** One header's value; repeated headers are joined with ', ' (Cookie with '; '). */
export function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const raw = (headers as Record<string, string | readonly string[] | undefined>)[name];
  if (raw === undefined) return undefined;
  if (typeof raw === 'string') return raw;
  return raw.join(name === 'cookie' ? '; ' : ', ');
}

const LOOPBACK = /^(?:127(?:\.\d{1,3}){3}|::1|::ffff:127(?:\.\d{1,3}){3})$/;

export function isLoopbackAddress(address: string | undefined): boolean {
  return address !== undefined && LOOPBACK.test(address);
}

/** `localhost`, `*.localhost`, 127.0.0.0/8 or [::1], with or without a port. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name.endsWith('.localhost') || isLoopbackAddress(name);
}

/** The Host header, or the authority of an absolute request URL (Fetch `Request`s carry no Host). */
export function requestHost(request: RequestLike): string | undefined {
  const host = headerValue(request.headers, 'host');
  if (host) return host;
  if (/^https?:\/\//i.test(request.url)) {
    try {
      return new URL(request.url).host;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

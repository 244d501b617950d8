/** Parses one Set-Cookie header into name, value and lower-cased attributes (6265bis: names are case-insensitive). */
export function parseSetCookie(header: string) {
  const [pair = '', ...rest] = header.split(';');
  const eq = pair.indexOf('=');
  const attributes = new Map<string, string>();
  for (const part of rest) {
    const [k = '', ...v] = part.trim().split('=');
    attributes.set(k.toLowerCase(), v.join('='));
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attributes };
}

export function setCookies(headers: Record<string, unknown> | Headers): string[] {
  if (headers instanceof Headers) return headers.getSetCookie();
  const raw = headers['set-cookie'];
  if (raw === undefined) return [];
  return Array.isArray(raw) ? raw.map(String) : [String(raw)];
}

/** The session cookie pair to send back (`name=value`), or undefined. */
export function sessionCookieFrom(headers: Record<string, unknown> | Headers, name = '__Host-sid'): string | undefined {
  const found = setCookies(headers)
    .map(parseSetCookie)
    .find((c) => c.name === name);
  return found ? `${found.name}=${found.value}` : undefined;
}

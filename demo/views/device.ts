/** "Chrome 156 on Linux" from a User-Agent string: enough to recognise your own devices. */
export function summariseDevice(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser =
    match(userAgent, /Edg\/(\d+)/, 'Edge') ??
    match(userAgent, /(?:Headless)?Chrome\/(\d+)/, 'Chrome') ??
    match(userAgent, /Firefox\/(\d+)/, 'Firefox') ??
    match(userAgent, /Version\/(\d+).*Safari/, 'Safari') ??
    userAgent.split(/[\s/]/)[0]?.slice(0, 40) ??
    'Browser';
  const os = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad/.test(userAgent)
      ? 'iOS'
      : /Windows/.test(userAgent)
        ? 'Windows'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : null;
  return os ? `${browser} on ${os}` : browser;
}

function match(userAgent: string, pattern: RegExp, name: string): string | undefined {
  const found = pattern.exec(userAgent);
  return found ? `${name} ${found[1]}` : undefined;
}

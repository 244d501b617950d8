/** Plain text helpers for the CLI: one place decides how times, tables and counts look. */

export function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** A note for the operator on stderr (stdout stays machine-readable). */
export function note(line: string): void {
  process.stderr.write(`custos: ${line}\n`);
}

/** `2026-01-01 10:00:00Z`: sortable, unambiguous, short. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

export function plural(n: number, word: string, many = `${word}${/(ch|sh|s|x)$/.test(word) ? 'es' : 's'}`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** Left-aligned columns sized to their widest cell. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

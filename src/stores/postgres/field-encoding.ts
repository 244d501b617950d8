/**
 * PostgreSQL's jsonb cannot hold U+0000 in a key or a string. Field names and values are opaque to
 * stores (sealed values are base64url, but the contract allows any string), so NUL is escaped with
 * a prefix-free code: U+0001 → U+0001 'a', U+0000 → U+0001 'b'. The code is injective, so equality
 * of encoded strings is equality of the originals and the compare-and-set in SQL stays exact.
 * Strings with neither character (every sealed value) are stored untouched.
 */
const NUL = '\u0000';
const ESC = '\u0001';

export function encodeText(text: string): string {
  if (!text.includes(NUL) && !text.includes(ESC)) return text;
  // ESC first, so the ESC that the NUL code introduces is not escaped again.
  return text.replaceAll(ESC, `${ESC}a`).replaceAll(NUL, `${ESC}b`);
}

export function decodeText(text: string): string {
  if (!text.includes(ESC)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === ESC) out += text[++i] === 'b' ? NUL : ESC;
    else out += c;
  }
  return out;
}

export function encodeFields(fields: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) out[encodeText(name)] = encodeText(value);
  return out;
}

export function decodeFields(fields: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) out[decodeText(name)] = decodeText(value);
  return out;
}

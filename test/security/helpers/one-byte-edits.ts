/**
 * Every value one small edit away from a cookie value (checklist STO-03, TOK-05): each must be
 * refused. A lenient base64url decoder accepts several of them (RFC 4648 §3.5: a dropped lone
 * character, ignored low bits of the last character), and an unauthenticated header accepts
 * respellings of the key index.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export interface Edit {
  readonly label: string;
  readonly value: string;
}

/** Bits of the last character of a base64url run that carry no data, by length % 4. */
function unusedBits(runLength: number): number {
  return [0, 0, 0b1111, 0b11][runLength % 4] as number;
}

/**
 * Every position changed to another character, one character appended (several choices), every
 * position dropped, and every flip of the unused low bits at the end of each base64url part.
 */
export function oneByteEdits(value: string): Edit[] {
  const edits: Edit[] = [];
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    const at = ALPHABET.indexOf(ch);
    // The next character differs in the lowest bit: at the end of a part that bit is unused.
    const other = at < 0 ? 'A' : (ALPHABET[(at + 1) % 64] as string);
    edits.push({ label: `change ${i}`, value: value.slice(0, i) + other + value.slice(i + 1) });
    edits.push({ label: `drop ${i}`, value: value.slice(0, i) + value.slice(i + 1) });
  }
  for (const extra of ['A', 'Q', 'w', '_', '-', '=', '.'])
    edits.push({ label: `append ${extra}`, value: value + extra });
  let start = 0;
  for (const part of value.split('.')) {
    const end = start + part.length;
    const mask = unusedBits(part.length);
    const last = ALPHABET.indexOf(value[end - 1] as string);
    if (last >= 0)
      for (let flip = 1; flip <= mask; flip++) {
        if ((flip & mask) !== flip) continue;
        const ch = ALPHABET[last ^ flip] as string;
        edits.push({ label: `flip ${flip} at ${end - 1}`, value: value.slice(0, end - 1) + ch + value.slice(end) });
      }
    start = end + 1;
  }
  return edits.filter((edit) => edit.value !== value);
}

/** The key index of a sealed value (`g2.<index>.<body>`) respelled. */
export function indexSpellings(value: string): Edit[] {
  const [version, , ...rest] = value.split('.');
  const body = rest.join('.');
  const spellings = ['00', '000', '007', '01', '1', '2', '9', '999', '+0', '-0', ' 0', '0 ', '0x0', '1e0', '', 'a'];
  const edits = spellings.map((index) => ({ label: `index '${index}'`, value: `${version}.${index}.${body}` }));
  for (const v of ['g1', 'G2', 'g02', 'g3', ''])
    edits.push({ label: `version '${v}'`, value: `${v}.${value.split('.')[1]}.${body}` });
  return edits;
}

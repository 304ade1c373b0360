// GPT-2 style byte-level alphabet: every byte 0..255 is written as one printable character in
// vocabulary strings, so BPE never sees raw control bytes or half UTF-8 sequences.

/** Byte → the character that stands for it in tokenizer.json. */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();
/** Character code → byte, the inverse of BYTE_TO_CHAR (-1 where the char is not in the alphabet). */
const CHAR_TO_BYTE: Int16Array = buildCharToByte();

function buildByteToChar(): string[] {
  const table: string[] = new Array(256);
  // Printable Latin-1 bytes stand for themselves; the rest are shifted to 256+n in order.
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let shifted = 0;
  for (let b = 0; b < 256; b++) table[b] = String.fromCharCode(printable(b) ? b : 256 + shifted++);
  return table;
}

function buildCharToByte(): Int16Array {
  const inverse = new Int16Array(512).fill(-1);
  BYTE_TO_CHAR.forEach((ch, b) => { inverse[ch.charCodeAt(0)] = b; });
  return inverse;
}

/**
 * Writes the bytes a token string stands for into out at `at`; returns the offset after them.
 * Like the Rust ByteLevel decoder: when every character is in the byte alphabet it is mapped back to
 * bytes, otherwise (added tokens such as "<｜User｜>") the token's own UTF-8 bytes are used.
 * out needs room for 3 bytes per UTF-16 unit of token.
 */
export function writeTokenBytes(token: string, out: Uint8Array, at: number): number {
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    const b = code < 512 ? CHAR_TO_BYTE[code] : -1;
    if (b < 0) return at + UTF8.encodeInto(token, out.subarray(at)).written;
    out[at + i] = b;
  }
  return at + token.length;
}

const UTF8 = new TextEncoder();

/** The bytes a token string stands for (see writeTokenBytes). */
export function tokenBytes(token: string): Uint8Array {
  const out = new Uint8Array(token.length * 3);
  return out.slice(0, writeTokenBytes(token, out, 0));
}

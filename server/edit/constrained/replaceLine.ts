// A byte automaton over one line of REPLACE text: it refuses the line as soon as it could be read as a marker
// (optional whitespace, then 5 of '<', '=' or '>'), and refuses CR (the answer parser reads a lone CR as a line break).
// "Whitespace" is what JavaScript's \s matches, as in the parser's regexes, including multi-byte spaces like U+00A0.

/** Only whitespace so far (the line start). */
export const LINE_START = 0;
/** Past the leading whitespace: anything goes. */
export const FREE = 1;
const MARKERS = [0x3c, 0x3d, 0x3e]; // '<' '=' '>'
/** run of k (1..4) marker characters c: 2 + c*4 + (k-1). */
const RUN = 2;
// Part of a multi-byte whitespace character after the leading whitespace: the bytes seen so far.
const U_C2 = 14, U_E1 = 15, U_E1_9A = 16, U_E2 = 17, U_E2_80 = 18, U_E2_81 = 19, U_E3 = 20, U_E3_80 = 21, U_EF = 22, U_EF_BB = 23;
/** Number of line states. */
export const LINE_STATES = 24;

const ASCII_SPACE = new Set([0x09, 0x0b, 0x0c, 0x20]);
/** The lead bytes of U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF. */
const LEADS: Record<number, number> = { 0xc2: U_C2, 0xe1: U_E1, 0xe2: U_E2, 0xe3: U_E3, 0xef: U_EF };
/** state → (byte → state) for the partial whitespace characters; a byte not listed makes the line free. */
const PARTIAL: Record<number, (b: number) => number | undefined> = {
  [U_C2]: (b) => (b === 0xa0 ? LINE_START : undefined),
  [U_E1]: (b) => (b === 0x9a ? U_E1_9A : undefined),
  [U_E1_9A]: (b) => (b === 0x80 ? LINE_START : undefined),
  [U_E2]: (b) => (b === 0x80 ? U_E2_80 : b === 0x81 ? U_E2_81 : undefined),
  [U_E2_80]: (b) => ((b >= 0x80 && b <= 0x8a) || b === 0xa8 || b === 0xa9 || b === 0xaf ? LINE_START : undefined),
  [U_E2_81]: (b) => (b === 0x9f ? LINE_START : undefined),
  [U_E3]: (b) => (b === 0x80 ? U_E3_80 : undefined),
  [U_E3_80]: (b) => (b === 0x80 ? LINE_START : undefined),
  [U_EF]: (b) => (b === 0xbb ? U_EF_BB : undefined),
  [U_EF_BB]: (b) => (b === 0xbf ? LINE_START : undefined),
};

/** The line state after byte b (not '\n': the caller ends the line), or -1 when the line may not go on. */
export function lineStep(state: number, b: number): number {
  if (b === 0x0d || b === 0x0a) return -1;
  if (state === FREE) return FREE;
  if (state === LINE_START) {
    if (ASCII_SPACE.has(b)) return LINE_START;
    const m = MARKERS.indexOf(b);
    if (m >= 0) return RUN + m * 4;
    return LEADS[b] ?? FREE;
  }
  if (state >= RUN && state < RUN + 12) {
    const m = Math.floor((state - RUN) / 4);
    const k = ((state - RUN) % 4) + 1;
    if (b !== MARKERS[m]) return FREE;
    return k === 4 ? -1 : state + 1;
  }
  return PARTIAL[state]?.(b) ?? FREE;
}

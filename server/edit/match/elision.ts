// Recognises the lines models write instead of code they did not repeat ("...", "// ... existing code ...").

const DOTS = /^(?:\.\.\.|…)$/;
const COMMENT_DOTS = /^(?:\/\/|#|--|;|\/\*+|<!--|\*|\{\/\*)\s*(?:\.\.\.|…)/;
const COMMENT_WORDS =
  /^(?:\/\/|#|\/\*+|<!--)\s*(?:\.\.\.\s*)?(?:rest of|existing|unchanged|remaining|other|same as before|previous)\b.*\b(?:code|unchanged|file|function|method|class|implementation|body|lines|content|methods|functions|imports|tests)\b/i;

export function isElisionLine(line: string): boolean {
  const t = line.trim();
  if (t.length === 0 || t.length > 120) return false;
  return DOTS.test(t) || COMMENT_DOTS.test(t) || COMMENT_WORDS.test(t);
}

/** Splits lines at elision markers: pieces.length = markers + 1 (pieces may be empty). */
export function splitAtElisions(lines: string[]): string[][] {
  const pieces: string[][] = [[]];
  for (const line of lines) {
    if (isElisionLine(line)) pieces.push([]);
    else pieces[pieces.length - 1].push(line);
  }
  return pieces;
}

export const hasElision = (lines: string[]): boolean => lines.some(isElisionLine);

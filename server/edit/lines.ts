// A file as lines plus their own line endings, so untouched lines keep CRLF/LF and the final newline exactly.

export interface LineDoc {
  lines: string[]; // content without line ending
  eols: string[]; // '\n', '\r\n' or '' (only the last line may have '')
  eol: string; // dominant ending, used for lines the edit adds
}

/** Splits text into lines keeping each line's ending; '' is a document with no lines. */
export function toLineDoc(text: string): LineDoc {
  const lines: string[] = [];
  const eols: string[] = [];
  let crlf = 0;
  let lf = 0;
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      lines.push(text.slice(start));
      eols.push('');
      break;
    }
    const isCrlf = nl > start && text[nl - 1] === '\r';
    lines.push(text.slice(start, isCrlf ? nl - 1 : nl));
    eols.push(isCrlf ? '\r\n' : '\n');
    if (isCrlf) crlf++;
    else lf++;
    start = nl + 1;
  }
  return { lines, eols, eol: crlf > lf ? '\r\n' : '\n' };
}

export function fromLineDoc(doc: LineDoc): string {
  let out = '';
  for (let i = 0; i < doc.lines.length; i++) out += doc.lines[i] + doc.eols[i];
  return out;
}

/** Replaces lines [start, end) by `replacement`; new lines get the dominant ending, the last line keeps the file's final-newline state. */
export function spliceLines(doc: LineDoc, start: number, end: number, replacement: string[]): void {
  const atEnd = end === doc.lines.length && doc.lines.length > 0;
  const finalEol = atEnd ? doc.eols[doc.lines.length - 1] : undefined;
  // Lines the model re-quoted unchanged keep their own ending.
  const newEols = replacement.map((line, i) => (start + i < end && doc.lines[start + i] === line ? doc.eols[start + i] : doc.eol));
  doc.lines.splice(start, end - start, ...replacement);
  doc.eols.splice(start, end - start, ...newEols);
  if (finalEol !== undefined && doc.lines.length > 0) {
    const last = doc.lines.length - 1;
    if (last >= start - 1) doc.eols[last] = finalEol;
  }
  // A line that used to be last without an ending but now has a successor needs one.
  for (let i = Math.max(0, start - 1); i < doc.lines.length - 1 && i < start + replacement.length; i++) {
    if (doc.eols[i] === '') doc.eols[i] = doc.eol;
  }
}

/** Lines of free text (the model's answer), endings dropped. */
export function splitAnswerLines(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').split('\n');
}

/** Leading whitespace of a line. */
export function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

export const isBlank = (line: string): boolean => line.trim() === '';

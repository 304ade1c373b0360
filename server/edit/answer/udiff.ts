// Parses unified diffs as models write them: with or without ---/+++ headers, with right, wrong or
// missing @@ line numbers, blank context lines without their leading space, hunks in any order.
import { splitAnswerLines } from '../lines';
import { AnswerError, type AnswerOp } from './ops';
import { deletedPath, fenceOpen, isFenceClose, pathFromFenceInfo, pathFromLine, type FenceOpen } from './markup';

const HUNK = /^@@+(?:\s*-(\d+)(?:,(\d+))?\s+\+(\d+)(?:,(\d+))?)?.*?(?:@@+.*)?$/;

export const looksLikeUdiff = (answer: string): boolean =>
  /^@@/m.test(answer) || (/^--- \S/m.test(answer) && /^\+\+\+ \S/m.test(answer));

/** "a/src/x.ts\t2024-01-01" → "src/x.ts"; /dev/null stays. */
function headerPath(raw: string): string {
  let p = raw.split('\t')[0].trim();
  if (p.startsWith('"') && p.endsWith('"')) p = p.slice(1, -1);
  if (p === '/dev/null') return p;
  return p.replace(/^[ab]\//, '');
}

export function parseUdiff(answer: string): AnswerOp[] {
  const lines = splitAnswerLines(answer);
  const ops: AnswerOp[] = [];
  let oldPath: string | undefined;
  let newPath: string | undefined;
  let fence: FenceOpen | null = null;
  let block = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (fence && isFenceClose(line, fence)) { fence = null; continue; }
    if (!fence) {
      const open = fenceOpen(line);
      if (open) {
        fence = open;
        const p = pathFromFenceInfo(open.info);
        if (p) oldPath = newPath = p;
        continue;
      }
    }
    const git = /^diff --git (?:"?a\/)?(\S+)\s+(?:"?b\/)?(\S+?)"?$/.exec(line);
    if (git) { oldPath = git[1]; newPath = git[2]; continue; }
    if (line.startsWith('--- ') && i + 1 < lines.length && lines[i + 1].startsWith('+++ ')) {
      oldPath = headerPath(line.slice(4));
      newPath = headerPath(lines[i + 1].slice(4));
      i++;
      if (newPath === '/dev/null') {
        ops.push({ type: 'delete', block: ++block, path: oldPath });
        // Skip the hunk that lists the deleted lines.
        while (i + 1 < lines.length && (HUNK.test(lines[i + 1]) || /^[-\\ ]/.test(lines[i + 1]))) i++;
      }
      continue;
    }
    if (line.startsWith('@@') && HUNK.test(line)) {
      const m = HUNK.exec(line)!;
      block++;
      const search: string[] = [];
      const replace: string[] = [];
      let j = i + 1;
      for (; j < lines.length; j++) {
        const body = lines[j];
        if (fence && isFenceClose(body, fence)) break;
        if (body.startsWith('@@') || /^diff --git /.test(body)) break;
        if (body.startsWith('--- ') && j + 1 < lines.length && lines[j + 1].startsWith('+++ ')) break;
        if (body.startsWith('\\')) continue; // "\ No newline at end of file"
        if (body.startsWith('+')) replace.push(body.slice(1));
        else if (body.startsWith('-')) search.push(body.slice(1));
        else if (body.startsWith(' ')) { search.push(body.slice(1)); replace.push(body.slice(1)); }
        else if (body === '' && (fence || (j + 1 < lines.length && /^[ +\-]/.test(lines[j + 1])))) { search.push(''); replace.push(''); }
        else if (fence && body !== '') { search.push(body); replace.push(body); } // context line missing its space
        else break;
      }
      // Blank lines just before a closing fence are usually layout, not context.
      while (search.length && replace.length && search[search.length - 1] === '' && replace[replace.length - 1] === '' && j < lines.length && lines[j - 1] === '') {
        search.pop(); replace.pop(); j--;
      }
      i = j - 1;
      const oldStart = m[1] === undefined ? undefined : Number(m[1]);
      if (oldPath === '/dev/null') {
        ops.push({ type: 'create', block, path: newPath, lines: replace });
        continue;
      }
      const path = newPath ?? oldPath;
      if (search.length === 0 && replace.length === 0) throw new AnswerError(`block ${block}: empty hunk`, block, path);
      ops.push({ type: 'replace', block, path, search, replace, hint: oldStart === undefined ? undefined : Math.max(0, oldStart - (search.length === 0 ? 0 : 1)) });
      continue;
    }
    const deleted = deletedPath(line);
    if (deleted) { ops.push({ type: 'delete', block: ++block, path: deleted }); continue; }
    const named = pathFromLine(line);
    if (named && !fence) oldPath = newPath = named;
  }
  return ops;
}

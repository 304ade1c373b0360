// Parses SEARCH/REPLACE blocks:  <<<<<<< SEARCH / ======= / >>>>>>> REPLACE, optionally fenced,
// optionally after a line naming the file (which then applies to the blocks that follow).
import { splitAnswerLines } from '../lines';
import { AnswerError, type AnswerOp } from './ops';
import { deletedPath, fenceOpen, pathFromFenceInfo, pathFromLine } from './markup';

const HEAD = /^\s*<{5,9}\s*SEARCH\b.*$/;
const DIVIDER = /^\s*={5,9}\s*$/;
const TAIL = /^\s*>{5,9}\s*REPLACE\b.*$/;

export const looksLikeSearchReplace = (answer: string): boolean => /^\s*<{5,9}\s*SEARCH\b/m.test(answer);

export function parseSearchReplace(answer: string): AnswerOp[] {
  const lines = splitAnswerLines(answer);
  const ops: AnswerOp[] = [];
  let path: string | undefined;
  let block = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (HEAD.test(line)) {
      block++;
      const search: string[] = [];
      const replace: string[] = [];
      let j = i + 1;
      while (j < lines.length && !DIVIDER.test(lines[j])) {
        if (HEAD.test(lines[j]) || TAIL.test(lines[j])) throw new AnswerError(`block ${block}: "=======" missing after SEARCH (line ${i + 1} of the answer)`, block, path);
        search.push(lines[j++]);
      }
      if (j >= lines.length) throw new AnswerError(`block ${block}: unterminated SEARCH section (line ${i + 1} of the answer)`, block, path);
      j++;
      while (j < lines.length && !TAIL.test(lines[j])) {
        if (HEAD.test(lines[j])) throw new AnswerError(`block ${block}: ">>>>>>> REPLACE" missing (line ${i + 1} of the answer)`, block, path);
        replace.push(lines[j++]);
      }
      if (j >= lines.length) throw new AnswerError(`block ${block}: ">>>>>>> REPLACE" missing (line ${i + 1} of the answer)`, block, path);
      ops.push({ type: 'replace', block, path, search, replace });
      i = j;
      continue;
    }
    const deleted = deletedPath(line);
    if (deleted) {
      ops.push({ type: 'delete', block: ++block, path: deleted });
      continue;
    }
    const fence = fenceOpen(line);
    if (fence) {
      path = pathFromFenceInfo(fence.info) ?? path;
      continue;
    }
    path = pathFromLine(line) ?? path;
  }
  return ops;
}

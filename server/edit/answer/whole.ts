// Parses whole-file answers: one fenced block per file, named in the fence info or on the line before.
import { isBlank, splitAnswerLines } from '../lines';
import { AnswerError, type AnswerOp } from './ops';
import { deletedPath, fenceOpen, isFenceClose, pathFromFenceInfo, pathFromLine } from './markup';

export const looksLikeWhole = (answer: string): boolean => /^\s*(`{3,}|~{3,})/m.test(answer);

export function parseWhole(answer: string): AnswerOp[] {
  const lines = splitAnswerLines(answer);
  const ops: AnswerOp[] = [];
  let block = 0;
  for (let i = 0; i < lines.length; i++) {
    const deleted = deletedPath(lines[i]);
    if (deleted) { ops.push({ type: 'delete', block: ++block, path: deleted }); continue; }
    const open = fenceOpen(lines[i]);
    if (!open) continue;
    block++;
    let path = pathFromFenceInfo(open.info);
    // The nearest non-blank line above names the file.
    for (let k = i - 1; !path && k >= 0 && k >= i - 3; k--) {
      if (isBlank(lines[k])) continue;
      path = pathFromLine(lines[k]);
      break;
    }
    // Fences with an info string inside the file ("```ts" … "```") nest; a bare fence at depth 0 closes.
    let j = i + 1;
    for (let depth = 0; j < lines.length; j++) {
      if (isFenceClose(lines[j], open)) {
        if (depth === 0) break;
        depth--;
      } else {
        const inner = fenceOpen(lines[j]);
        if (inner && inner.info && inner.marker[0] === open.marker[0]) depth++;
      }
    }
    if (j >= lines.length) throw new AnswerError(`block ${block}: code fence opened on line ${i + 1} of the answer is never closed`, block, path);
    ops.push({ type: 'whole', block, path, lines: lines.slice(i + 1, j) });
    i = j;
  }
  return ops;
}

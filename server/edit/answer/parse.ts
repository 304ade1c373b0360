// Reads a model answer in a given (or detected) format into edit operations.
import type { ConcreteFormat, EditFormat } from '../types';
import { AnswerError, type AnswerOp } from './ops';
import { looksLikeSearchReplace, parseSearchReplace } from './searchReplace';
import { looksLikeUdiff, parseUdiff } from './udiff';
import { looksLikeWhole, parseWhole } from './whole';

export function detectFormat(answer: string): ConcreteFormat | undefined {
  if (looksLikeSearchReplace(answer)) return 'search-replace';
  if (looksLikeUdiff(answer)) return 'udiff';
  if (looksLikeWhole(answer)) return 'whole';
  return undefined;
}

export function parseAnswer(answer: string, format: EditFormat): { format: ConcreteFormat; ops: AnswerOp[] } {
  const concrete = format === 'auto' ? detectFormat(answer) : format;
  if (!concrete) throw new AnswerError('the answer contains no edit (no SEARCH/REPLACE block, diff hunk or code block)');
  const ops = concrete === 'search-replace' ? parseSearchReplace(answer) : concrete === 'udiff' ? parseUdiff(answer) : parseWhole(answer);
  if (ops.length === 0) throw new AnswerError(`the answer contains no ${concrete} edit`);
  return { format: concrete, ops };
}

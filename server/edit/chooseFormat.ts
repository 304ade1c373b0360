// Picks the answer format for a file: small files are cheapest to rewrite whole, larger ones by blocks.
import type { ConcreteFormat } from './types';

/** Files up to this size are asked for whole (rewriting costs less than quoting well). */
export const WHOLE_FILE_LIMIT = { lines: 120, chars: 6_000 };

export function chooseFormat(fileText: string): ConcreteFormat {
  const lines = fileText.split('\n').length;
  return lines <= WHOLE_FILE_LIMIT.lines && fileText.length <= WHOLE_FILE_LIMIT.chars ? 'whole' : 'search-replace';
}

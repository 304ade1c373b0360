// Constrained decoding of edit answers: SEARCH/REPLACE blocks that can only quote unique runs of the target file.
import type { Tokenizer } from '../../tokenizer/api';
import type { FileSpans } from './fileSpans';
import { SearchReplaceConstraint, type SearchReplaceOptions } from './searchReplaceConstraint';
import { vocabTrieFor } from './vocabTrie';

export { ConstraintError, FileSpans, type LineRegion } from './fileSpans';
export { SearchReplaceConstraint, type SearchReplaceOptions } from './searchReplaceConstraint';
export { VocabTrie, vocabTrieFor, vocabularyBytes } from './vocabTrie';
export { HEAD, DIVIDER, TAIL } from './blockGrammar';

/** A constraint for one answer about `spans` (the vocabulary trie is built once per tokenizer). */
export function searchReplaceConstraint(tokenizer: Tokenizer, spans: FileSpans, opts: SearchReplaceOptions): SearchReplaceConstraint {
  return new SearchReplaceConstraint(vocabTrieFor(tokenizer), spans, { eosId: tokenizer.eosId, ...opts });
}

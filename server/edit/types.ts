// Public types of the edit module: what a model answer becomes once placed in the user's files.
import type { TextEdit } from 'vscode-languageserver-types';

export type EditFormat = 'auto' | 'search-replace' | 'udiff' | 'whole';
export type ConcreteFormat = Exclude<EditFormat, 'auto'>;

/** A file the answer may edit. path: absolute, inside root. */
export interface SourceFile { path: string; text: string }

/** Which rung of the matching ladder placed a block. */
export type MatchStrategy = 'exact' | 'trailing-whitespace' | 'indentation' | 'elision' | 'fuzzy';

export type FileChange = {
  path: string;
  kind: 'modify' | 'create' | 'delete';
  oldText: string | null;
  newText: string | null;
  /** Minimal edits against oldText (modify); one whole-document insert for create; empty for delete. */
  edits: TextEdit[];
  matches: Array<{ block: number; strategy: MatchStrategy }>;
};

export type ApplyResult =
  | { ok: true; format: ConcreteFormat; changes: FileChange[] }
  | { ok: false; error: string; path?: string; block?: number; closest?: string };

export interface ApplyOptions {
  format: EditFormat;
  root: string;
  /** The file the answer is about when it names none. */
  defaultPath?: string;
}

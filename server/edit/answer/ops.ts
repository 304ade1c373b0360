// What a parsed answer asks for, independent of the format it was written in. Lines are LF-split.

export type AnswerOp =
  /** Replace the quoted lines (hint: 0-based line the model claimed they start at). */
  | { type: 'replace'; block: number; path?: string; search: string[]; replace: string[]; hint?: number }
  /** The file's complete new content (may contain elision markers). */
  | { type: 'whole'; block: number; path?: string; lines: string[] }
  /** A new file that must not exist yet. */
  | { type: 'create'; block: number; path?: string; lines: string[] }
  | { type: 'delete'; block: number; path: string };

/** Malformed answer text; block is 1-based in order of appearance. */
export class AnswerError extends Error {
  constructor(message: string, readonly block?: number, readonly path?: string) { super(message); }
}

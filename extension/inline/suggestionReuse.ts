// While the user types exactly what the shown suggestion predicted, keep showing its rest: no new
// request, no flicker. Offsets are document offsets; text access is injected so this stays vscode-free.

/** The last suggestion shown, anchored where its text starts. */
export interface ShownSuggestion {
  uri: string;
  /** Document offset where insertText begins (the cursor when it was requested). */
  anchorOffset: number;
  /** Text just before the anchor when shown: if it changed, the suggestion no longer applies. */
  before: string;
  insertText: string;
}

/** Reads the document text between two offsets. */
export type TextReader = (startOffset: number, endOffset: number) => string;

/** How much text before the anchor must stay unchanged for the suggestion to stay valid. */
const CONTEXT_CHARS = 256;

export function rememberSuggestion(uri: string, read: TextReader, anchorOffset: number, insertText: string): ShownSuggestion {
  const start = Math.max(0, anchorOffset - CONTEXT_CHARS);
  return { uri, anchorOffset, before: read(start, anchorOffset), insertText };
}

/**
 * The part of `shown` still to be inserted when the cursor is at `cursorOffset`, or undefined when the
 * user typed something else, moved away, edited before the anchor, or typed the whole suggestion.
 */
export function remainingSuggestion(shown: ShownSuggestion | undefined, uri: string, read: TextReader,
                                    cursorOffset: number): string | undefined {
  if (!shown || shown.uri !== uri || cursorOffset < shown.anchorOffset) return undefined;
  const typedLength = cursorOffset - shown.anchorOffset;
  if (typedLength >= shown.insertText.length) return undefined;
  if (read(shown.anchorOffset - shown.before.length, shown.anchorOffset) !== shown.before) return undefined;
  const typed = read(shown.anchorOffset, cursorOffset);
  if (typed.length !== typedLength || !shown.insertText.startsWith(typed)) return undefined;
  return shown.insertText.slice(typedLength);
}

/**
 * Normalises a server item whose range starts before the cursor (text already in the document repeated at
 * the start of insertText) to the text to insert at the cursor; undefined if it does not match the document.
 */
export function textFromCursor(insertText: string, alreadyTyped: string): string | undefined {
  return insertText.startsWith(alreadyTyped) ? insertText.slice(alreadyTyped.length) : undefined;
}

// Turns a model answer into exact per-file changes: parse → resolve paths → place every block → minimal edits.
// All or nothing: the first block that cannot be placed fails the whole request.
import fs from 'node:fs';
import path from 'node:path';
import type { ApplyOptions, ApplyResult, FileChange, MatchStrategy, SourceFile } from './types';
import { parseAnswer } from './answer/parse';
import { AnswerError, type AnswerOp } from './answer/ops';
import { fromLineDoc, isBlank, spliceLines, toLineDoc, type LineDoc } from './lines';
import { placeQuote } from './match/ladder';
import { hasElision } from './match/elision';
import { MergeError, mergeOnto } from './match/merge';
import { assertInsideRoot, resolveAnswerPath } from './paths';
import { applyTextEdits, minimalEdits } from './textEdits';

interface FileState {
  path: string;
  oldText: string | null; // null: did not exist
  doc: LineDoc | null; // null: does not exist (now)
  matches: Array<{ block: number; strategy: MatchStrategy }>;
  placed: Array<{ start: number; delta: number }>; // for shifting later hunks' line hints
}

/** A whole-file answer keeping under this fraction of a file of at least minLines is refused as an excerpt. */
export const EXCERPT_GUARD = { minLines: 30, minFraction: 0.5 };

class PlaceError extends Error {
  constructor(message: string, readonly path: string, readonly block: number, readonly closest?: string) { super(message); }
}

export function applyModelAnswer(answer: string, files: SourceFile[], opts: ApplyOptions): ApplyResult {
  const root = path.resolve(opts.root);
  let parsed: ReturnType<typeof parseAnswer>;
  try {
    parsed = parseAnswer(answer, opts.format);
  } catch (e) {
    if (e instanceof AnswerError) return { ok: false, error: e.message, block: e.block, path: e.path };
    throw e;
  }
  const known = new Map<string, string>();
  try {
    for (const f of files) {
      const abs = path.resolve(root, f.path);
      assertInsideRoot(root, abs);
      known.set(abs, f.text);
    }
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  const states = new Map<string, FileState>();
  const stateFor = (abs: string): FileState => {
    let s = states.get(abs);
    if (!s) {
      let text = known.get(abs) ?? null;
      if (text === null && fs.existsSync(abs)) {
        if (!fs.statSync(abs).isFile()) throw new Error(`${abs}: not a regular file`);
        text = fs.readFileSync(abs, 'utf8');
      }
      s = { path: abs, oldText: text, doc: text === null ? null : toLineDoc(text), matches: [], placed: [] };
      states.set(abs, s);
    }
    return s;
  };
  const knownPaths = [...known.keys()];
  try {
    for (const op of parsed.ops) {
      const target = targetPath(op, root, opts.defaultPath, files, knownPaths);
      applyOp(op, stateFor(target));
    }
  } catch (e) {
    if (e instanceof PlaceError) return { ok: false, error: e.message, path: e.path, block: e.block, closest: e.closest };
    if (e instanceof AnswerError) return { ok: false, error: e.message, block: e.block, path: e.path };
    return { ok: false, error: (e as Error).message };
  }
  try {
    return { ok: true, format: parsed.format, changes: [...states.values()].filter((s) => s.oldText !== null || s.doc !== null).map(toChange) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

function targetPath(op: AnswerOp, root: string, defaultPath: string | undefined, files: SourceFile[], known: string[]): string {
  if (op.path) {
    try {
      return resolveAnswerPath(op.path, root, known);
    } catch (e) {
      throw new AnswerError(`block ${op.block}: ${(e as Error).message}`, op.block, op.path);
    }
  }
  const fallback = defaultPath ?? (files.length === 1 ? files[0].path : undefined);
  if (!fallback) throw new AnswerError(`block ${op.block}: the answer does not say which file it edits`, op.block);
  return path.resolve(root, fallback);
}

function applyOp(op: AnswerOp, s: FileState): void {
  const fail = (msg: string, closest?: string): never => { throw new PlaceError(`block ${op.block} (${s.path}): ${msg}`, s.path, op.block, closest); };
  switch (op.type) {
    case 'delete':
      if (!s.doc) fail('cannot delete a file that does not exist');
      s.doc = null;
      return;
    case 'create':
      if (s.doc) fail('cannot create a file that already exists');
      s.doc = newDoc(op.lines);
      s.matches.push({ block: op.block, strategy: 'exact' });
      return;
    case 'whole': {
      if (!s.doc) {
        if (hasElision(op.lines)) fail('a new file cannot contain "..." elisions');
        s.doc = newDoc(op.lines);
        s.matches.push({ block: op.block, strategy: 'exact' });
        return;
      }
      let lines = op.lines;
      // A trailing blank line inside the fence is layout unless the file itself ends with one.
      const endsBlank = s.doc.lines.length > 0 && isBlank(s.doc.lines[s.doc.lines.length - 1]);
      while (!endsBlank && lines.length > 0 && isBlank(lines[lines.length - 1])) lines = lines.slice(0, -1);
      const elided = hasElision(lines);
      const kept = lines.filter((l) => !isBlank(l)).length;
      const had = s.doc.lines.filter((l) => !isBlank(l)).length;
      // An excerpt presented as the whole file would silently delete the rest.
      if (!elided && had >= EXCERPT_GUARD.minLines && kept < had * EXCERPT_GUARD.minFraction) {
        fail(`the code block has ${kept} non-blank lines but the file has ${had}: it looks like an excerpt, not the whole file (answer with the complete file, mark skipped parts with "...", or use SEARCH/REPLACE blocks)`);
      }
      if (elided) {
        try {
          lines = mergeOnto(s.doc.lines, s.doc.lines, lines);
        } catch (e) {
          if (e instanceof MergeError) fail(e.message);
          throw e;
        }
      }
      spliceLines(s.doc, 0, s.doc.lines.length, lines);
      s.matches.push({ block: op.block, strategy: elided ? 'elision' : 'exact' });
      return;
    }
    case 'replace': {
      const emptySearch = op.search.every(isBlank);
      if (!s.doc) {
        if (!emptySearch) fail('file not found (an empty SEARCH creates a file)');
        s.doc = newDoc(op.replace);
        s.matches.push({ block: op.block, strategy: 'exact' });
        return;
      }
      const hint = op.hint === undefined ? undefined : shiftedHint(s, op.hint);
      if (emptySearch) {
        if (s.doc.lines.length === 0) spliceLines(s.doc, 0, 0, op.replace);
        else if (op.search.length === 0 && hint !== undefined) spliceLines(s.doc, Math.min(hint, s.doc.lines.length), Math.min(hint, s.doc.lines.length), op.replace);
        else fail('the SEARCH section is empty but the file is not; quote the lines to change');
        s.matches.push({ block: op.block, strategy: 'exact' });
        return;
      }
      const result = placeQuote(s.doc.lines, { search: op.search, replace: op.replace, hint });
      if (!result.ok) fail(result.reason, result.closest);
      else {
        const { start, end, lines } = result.placement;
        spliceLines(s.doc, start, end, lines);
        s.placed.push({ start, delta: lines.length - (end - start) });
        s.matches.push({ block: op.block, strategy: result.strategy });
      }
      return;
    }
  }
}

/** A diff's line numbers refer to the original file: shift them by earlier hunks placed above. */
function shiftedHint(s: FileState, hint: number): number {
  let shifted = hint;
  for (const p of s.placed) if (p.start < shifted) shifted += p.delta;
  return Math.max(0, shifted);
}

function newDoc(lines: string[]): LineDoc {
  const doc = toLineDoc('');
  spliceLines(doc, 0, 0, lines);
  if (doc.lines.length > 0) doc.eols[doc.lines.length - 1] = '\n';
  return doc;
}

function toChange(s: FileState): FileChange {
  const newText = s.doc ? fromLineDoc(s.doc) : null;
  if (s.oldText === null) {
    return { path: s.path, kind: 'create', oldText: null, newText, matches: s.matches,
      edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: newText ?? '' }] };
  }
  if (newText === null) return { path: s.path, kind: 'delete', oldText: s.oldText, newText: null, edits: [], matches: s.matches };
  const edits = minimalEdits(s.oldText, newText);
  if (applyTextEdits(s.oldText, edits) !== newText) throw new Error(`${s.path}: internal error, edits do not reproduce the new text`);
  return { path: s.path, kind: 'modify', oldText: s.oldText, newText, edits, matches: s.matches };
}

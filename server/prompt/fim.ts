// DeepSeek fill-in-the-middle prompt: context windows cut on line boundaries within a token budget.

export const FIM_BEGIN = '<｜fim▁begin｜>';
export const FIM_HOLE = '<｜fim▁hole｜>';
export const FIM_END = '<｜fim▁end｜>';

/** Counts tokens of a piece of text (the real tokenizer locally, an estimate for remote servers). */
export type CountTokens = (text: string) => number;

/** The text the model sees: everything before the hole, then everything after it. */
export function renderFimPrompt(prefix: string, suffix: string): string {
  return `${FIM_BEGIN}${prefix}${FIM_HOLE}${suffix}${FIM_END}`;
}

/**
 * The end of `prefix` that fits `budget` tokens, starting at a line start.
 * The cursor's (last, partial) line is always kept whole, even over budget: the model needs it.
 * When lines must be dropped, the first kept line is rounded up to a multiple of `snapLines`, so the window's
 * start (and with it the engine's cached prompt prefix) stays put while the user types on.
 */
export function cutPrefix(prefix: string, budget: number, count: CountTokens, snapLines = 16): string {
  const lines = prefix.split('\n');
  let start = lines.length - 1;
  let used = count(lines[start]);
  while (start > 0) {
    const cost = count(lines[start - 1] + '\n');
    if (used + cost > budget) break;
    used += cost;
    start--;
  }
  if (start > 0 && snapLines > 1) start = Math.min(lines.length - 1, Math.ceil(start / snapLines) * snapLines);
  return lines.slice(start).join('\n');
}

/**
 * The start of `suffix` that fits `budget` tokens, ending at a line end.
 * The rest of the cursor's line is kept whole (it decides how the completion must end).
 */
export function cutSuffix(suffix: string, budget: number, count: CountTokens): string {
  const lines = suffix.split('\n');
  let end = 1;
  let used = count(lines[0]);
  while (end < lines.length) {
    const cost = count('\n' + lines[end]);
    if (used + cost > budget) break;
    used += cost;
    end++;
  }
  return lines.slice(0, end).join('\n');
}

/** Line-comment marker of a VS Code language id (snippets of other files are shown as comments). */
export function lineCommentFor(languageId: string): string {
  const hash = ['python', 'shellscript', 'ruby', 'yaml', 'r', 'perl', 'makefile', 'dockerfile', 'toml',
    'powershell', 'coffeescript', 'julia', 'elixir', 'nim', 'cmake', 'properties'];
  const dashes = ['sql', 'lua', 'haskell', 'ada', 'elm', 'purescript'];
  const semicolon = ['clojure', 'lisp', 'scheme', 'racket', 'asm'];
  if (hash.includes(languageId)) return '#';
  if (dashes.includes(languageId)) return '--';
  if (semicolon.includes(languageId)) return ';';
  if (languageId === 'latex' || languageId === 'tex' || languageId === 'matlab') return '%';
  if (languageId === 'vb' || languageId === 'vba') return "'";
  return '//';
}

/** Identifiers of a text, the unit of similarity between a snippet and the code around the cursor. */
function identifiers(text: string): Set<string> {
  return new Set(text.match(/[A-Za-z_$][A-Za-z0-9_$]{2,}/g) ?? []);
}

/** Jaccard similarity of two identifier sets. */
function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let common = 0;
  for (const x of a) if (b.has(x)) common++;
  return common / (a.size + b.size - common);
}

/**
 * The window of `windowLines` lines of `text` whose identifiers overlap most with `query`
 * (ties: the earliest). Returns undefined when nothing overlaps.
 */
export function bestSnippet(text: string, query: string, windowLines: number): { startLine: number; text: string; score: number } | undefined {
  const lines = text.split('\n');
  const want = identifiers(query);
  let best: { startLine: number; text: string; score: number } | undefined;
  const step = Math.max(1, Math.floor(windowLines / 2));
  for (let start = 0; start < lines.length; start += step) {
    const window = lines.slice(start, start + windowLines).join('\n');
    const score = jaccard(identifiers(window), want);
    if (score > 0 && (!best || score > best.score)) best = { startLine: start, text: window, score };
    if (start + windowLines >= lines.length) break;
  }
  return best;
}

/** A snippet of another file as comment lines headed by its path. */
export function commentSnippet(path: string, text: string, languageId: string): string {
  const mark = lineCommentFor(languageId);
  const body = text.replace(/\s+$/, '').split('\n').map((l) => (l ? `${mark} ${l}` : mark));
  return [`${mark} Path: ${path}`, ...body].join('\n') + '\n';
}

export interface OtherDocument {
  path: string;
  languageId: string;
  text: string;
}

export interface FimContextInput {
  /** Document text before / after the cursor. */
  prefix: string;
  suffix: string;
  languageId: string;
  /** Other open documents (only those of the same language are used). */
  others: OtherDocument[];
  /** Token budget of prefix + suffix + snippets. */
  budget: number;
  count: CountTokens;
  /** Lines per snippet (default 20) and max snippets (default 2). */
  snippetLines?: number;
  maxSnippets?: number;
}

/**
 * Prefix (snippets + cut prefix) and suffix for the FIM prompt. The suffix gets up to a quarter of the budget,
 * snippets up to a sixth of what the prefix does not use, and the prefix the rest.
 */
export function buildFimContext(input: FimContextInput): { prefix: string; suffix: string } {
  const { count, budget } = input;
  const suffix = cutSuffix(input.suffix, Math.floor(budget / 4), count);
  const suffixTokens = count(suffix);
  const prefixBudget = Math.max(0, budget - suffixTokens - Math.floor(budget / 6));
  const prefix = cutPrefix(input.prefix, prefixBudget, count);
  let snippetBudget = budget - suffixTokens - count(prefix);
  const query = input.prefix.slice(-1500);
  // bounded work per keystroke: a few documents, each up to its first 100k characters
  const candidates = input.others
    .filter((d) => d.languageId === input.languageId)
    .slice(0, 8)
    .map((d) => ({ doc: d, snip: bestSnippet(d.text.slice(0, 100_000), query, input.snippetLines ?? 20) }))
    .filter((c): c is { doc: OtherDocument; snip: NonNullable<typeof c.snip> } => c.snip !== undefined)
    .sort((a, b) => b.snip.score - a.snip.score)
    .slice(0, input.maxSnippets ?? 2);
  let snippets = '';
  for (const { doc, snip } of candidates) {
    const block = commentSnippet(doc.path, snip.text, input.languageId) + '\n';
    const cost = count(block);
    if (cost > snippetBudget) continue;
    snippetBudget -= cost;
    snippets += block;
  }
  return { prefix: snippets + prefix, suffix };
}

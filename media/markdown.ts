// Model output → HTML. Model text is untrusted: raw HTML is escaped, links never navigate (they carry
// data-href for the host to open after a confirmation), images are never loaded, code blocks get actions.
import MarkdownIt from 'markdown-it';
import { hljs, fenceLanguage } from './languages';
import { openableUrl } from '../extension/chat/links';

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
const escapeHtml = md.utils.escapeHtml;

// Every link target survives parsing; the renderer below decides what may be opened.
md.validateLink = () => true;

/** Blocks longer than this are shown without highlighting (highlighting runs on every streamed frame). */
const MAX_HIGHLIGHT_CHARS = 100_000;

export function highlight(code: string, language: string): string {
  if (language && code.length <= MAX_HIGHLIGHT_CHARS && hljs.getLanguage(language)) {
    return hljs.highlight(code, { language, ignoreIllegals: true }).value;
  }
  return escapeHtml(code);
}

const ACTIONS: Array<[action: string, label: string, title: string]> = [
  ['insert', 'Insert', 'Insert at cursor'],
  ['copy', 'Copy', 'Copy to clipboard'],
  ['apply', 'Apply', 'Apply to file (shows a diff first)'],
];

/** A fenced block: toolbar with Insert/Copy/Apply, then the highlighted code. */
export function codeBlockHtml(code: string, info: string): string {
  const lang = fenceLanguage(info);
  const buttons = ACTIONS.map(([action, label, title]) =>
    `<button type="button" class="code-action" data-action="${action}" data-testid="code-${action}" title="${title}">${label}</button>`,
  ).join('');
  const langClass = lang ? ` language-${escapeHtml(lang)}` : '';
  return `<div class="code-block" data-testid="code-block" data-lang="${escapeHtml(lang)}">` +
    `<div class="code-toolbar"><span class="code-lang">${escapeHtml(lang)}</span><span class="code-actions">${buttons}</span></div>` +
    `<pre><code class="hljs${langClass}">${highlight(code, lang)}</code></pre></div>\n`;
}

md.renderer.rules.fence = (tokens, idx) => codeBlockHtml(tokens[idx].content, tokens[idx].info);
md.renderer.rules.code_block = (tokens, idx) => codeBlockHtml(tokens[idx].content, '');

md.renderer.rules.link_open = (tokens, idx) => {
  const url = openableUrl(tokens[idx].attrGet('href') ?? '');
  if (!url) return '<a class="blocked-link" title="Link blocked">';
  return `<a class="external-link" data-href="${escapeHtml(url)}" title="${escapeHtml(url)}">`;
};

md.renderer.rules.image = (tokens, idx) => {
  const token = tokens[idx];
  const alt = token.content || 'image';
  const url = openableUrl(token.attrGet('src') ?? '');
  if (!url) return `<span class="blocked-image" title="Image blocked">[image: ${escapeHtml(alt)}]</span>`;
  return `<a class="external-link image-link" data-href="${escapeHtml(url)}" title="${escapeHtml(url)}">[image: ${escapeHtml(alt)}]</a>`;
};

/** Renders a (possibly partial, still streaming) Markdown answer to HTML; sanitize before inserting. */
export function renderMarkdown(text: string): string {
  return md.render(text);
}

// Second line of defence after markdown.ts: DOMPurify with an allow-list that has no URL-bearing
// attributes at all, so nothing in an answer can run script, load a resource or navigate.
import DOMPurify from 'dompurify';
import { openableUrl } from '../extension/chat/links';

const ALLOWED_TAGS = [
  'a', 'b', 'blockquote', 'br', 'button', 'code', 'del', 'div', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'hr', 'i', 'li', 'ol', 'p', 'pre', 's', 'span', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'th',
  'thead', 'tr', 'ul',
];
const ALLOWED_ATTR = ['class', 'title', 'type', 'start', 'data-href', 'data-action', 'data-testid', 'data-lang'];

export type Sanitize = (html: string) => string;

/** A sanitizer bound to `win` (the webview's window, or a jsdom window in tests). */
export function createSanitizer(win: Window): Sanitize {
  const purify = DOMPurify(win as unknown as Parameters<typeof DOMPurify>[0]);
  purify.addHook('afterSanitizeAttributes', (node) => {
    // A link the host would refuse to open loses its target.
    const href = node.getAttribute('data-href');
    if (href !== null && !openableUrl(href)) node.removeAttribute('data-href');
    if (node.tagName === 'BUTTON') node.setAttribute('type', 'button');
  });
  return (html) =>
    purify.sanitize(html, {
      ALLOWED_TAGS,
      ALLOWED_ATTR,
      ALLOW_DATA_ATTR: false,
      ALLOW_ARIA_ATTR: false,
      RETURN_TRUSTED_TYPE: false,
    }) as string;
}

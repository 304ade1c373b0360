// The chat webview's HTML shell: a strict Content-Security-Policy and the static layout the script wires up.
import { randomBytes } from 'node:crypto';

export interface ChatHtmlOptions {
  /** webview.cspSource */
  cspSource: string;
  /** webview.asWebviewUri(...) of dist/webview.js and dist/webview.css, as strings. */
  scriptUri: string;
  styleUri: string;
  nonce: string;
}

/** A fresh nonce per page load: 128 random bits, base64. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

const escapeAttr = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function chatHtml(o: ChatHtmlOptions): string {
  const csp = escapeAttr(contentSecurityPolicy(o.cspSource, o.nonce));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(o.styleUri)}">
<title>DeepSeek Chat</title>
</head>
<body>
<div class="chat" data-testid="chat-root">
  <header class="toolbar">
    <button type="button" class="icon-button" data-testid="chat-new" title="New chat">+ New chat</button>
    <button type="button" class="icon-button" data-testid="chat-history" title="Past chats" aria-expanded="false">History</button>
  </header>
  <nav class="history" data-testid="history-list" hidden></nav>
  <main class="messages" data-testid="message-list" aria-live="polite"></main>
  <footer class="composer">
    <div class="chips" data-testid="context-chips"></div>
    <textarea data-testid="chat-input" rows="1" placeholder="Ask DeepSeek… (Enter to send, Shift+Enter for a new line)" aria-label="Message"></textarea>
    <div class="composer-actions">
      <button type="button" class="primary" data-testid="chat-send">Send</button>
      <button type="button" class="primary" data-testid="chat-stop" hidden>Stop</button>
    </div>
  </footer>
</div>
<script nonce="${escapeAttr(o.nonce)}" src="${escapeAttr(o.scriptUri)}"></script>
</body>
</html>`;
}

// Entry point of the chat webview (bundled by esbuild.mjs to dist/webview.js + dist/webview.css).
import './webview.css';
import { mountChat, type WebviewApi } from './chatApp';
import { createSanitizer } from './sanitize';
import type { HostToWebview } from '../extension/chat/messages';

declare function acquireVsCodeApi(): WebviewApi;

const app = mountChat(document, acquireVsCodeApi(), createSanitizer(window));
// Only the extension host posts into this webview.
window.addEventListener('message', (e: MessageEvent<HostToWebview>) => app.receive(e.data));

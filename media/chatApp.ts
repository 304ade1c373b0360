// The chat UI inside the webview: renders the conversation mirror and turns clicks/keys into host messages.
import type { ChatMessage, Conversation } from '../extension/chat/conversation';
import { applyEvent } from '../extension/chat/conversation';
import type { ContextChip, ConversationSummary, HostToWebview, WebviewToHost } from '../extension/chat/messages';
import { renderMarkdown } from './markdown';
import { languageIdFor } from './languages';
import type { Sanitize } from './sanitize';

/** What acquireVsCodeApi() returns (the parts used here). */
export interface WebviewApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export interface ChatApp {
  /** Feeds one message from the host (the webview's window "message" listener calls this). */
  receive(message: HostToWebview): void;
}

/** Scrolled within this many pixels of the bottom counts as "following" the stream. */
const FOLLOW_SLACK_PX = 40;

function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, className?: string, text?: string) {
  const e = doc.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function must<T extends Element>(root: ParentNode, testId: string): T {
  const found = root.querySelector<T>(`[data-testid="${testId}"]`);
  if (!found) throw new Error(`chat webview: element [data-testid="${testId}"] missing from the page`);
  return found;
}

export function mountChat(doc: Document, api: WebviewApi, sanitize: Sanitize): ChatApp {
  const win = doc.defaultView!;
  const list = must<HTMLElement>(doc, 'message-list');
  const input = must<HTMLTextAreaElement>(doc, 'chat-input');
  const sendButton = must<HTMLButtonElement>(doc, 'chat-send');
  const stopButton = must<HTMLButtonElement>(doc, 'chat-stop');
  const newButton = must<HTMLButtonElement>(doc, 'chat-new');
  const historyButton = must<HTMLButtonElement>(doc, 'chat-history');
  const historyList = must<HTMLElement>(doc, 'history-list');
  const chips = must<HTMLElement>(doc, 'context-chips');

  let conversation: Conversation | undefined;
  let busy = false;
  let history: ConversationSummary[] = [];
  /** Messages whose body must be re-rendered on the next animation frame (streaming). */
  const dirty = new Set<string>();
  let frame: number | undefined;
  /** The bubble of each message shown, by message id (looked up on every streamed frame). */
  const nodes = new Map<string, HTMLElement>();
  /** The text each body was last rendered from: an unchanged body is not re-rendered. */
  const renderedText = new WeakMap<HTMLElement, string>();

  const post = (m: WebviewToHost) => api.postMessage(m);

  // ---- messages -----------------------------------------------------------------------------
  function fillBody(body: HTMLElement, m: ChatMessage): void {
    if (renderedText.get(body) === m.content) return;
    renderedText.set(body, m.content);
    if (m.role === 'user') body.textContent = m.content;
    else body.innerHTML = sanitize(renderMarkdown(m.content));
  }

  function fillStatus(node: HTMLElement, m: ChatMessage): void {
    node.dataset.state = m.state;
    const status = node.querySelector<HTMLElement>('.message-status')!;
    status.textContent = m.state === 'error' ? `⚠ ${m.error ?? 'The request failed.'}` : m.state === 'cancelled' ? 'Stopped.' : '';
    status.hidden = !status.textContent;
  }

  function messageNode(m: ChatMessage): HTMLElement {
    const node = el(doc, 'div', `message message-${m.role}`);
    node.dataset.testid = 'message';
    node.dataset.role = m.role;
    node.dataset.id = m.id;
    nodes.set(m.id, node);
    node.append(el(doc, 'div', 'message-author', m.role === 'user' ? 'You' : 'DeepSeek'));
    if (m.context?.length) {
      const ctx = el(doc, 'div', 'message-context');
      for (const label of m.context) ctx.append(el(doc, 'span', 'chip chip-static', label));
      node.append(ctx);
    }
    const body = el(doc, 'div', 'message-body');
    body.dataset.testid = 'message-body';
    fillBody(body, m);
    const status = el(doc, 'div', 'message-status');
    status.dataset.testid = 'message-status';
    node.append(body, status);
    fillStatus(node, m);
    return node;
  }

  function following(): boolean {
    return list.scrollHeight - list.scrollTop - list.clientHeight <= FOLLOW_SLACK_PX;
  }

  function renderAll(): void {
    dirty.clear();
    nodes.clear();
    list.replaceChildren();
    const messages = conversation?.messages ?? [];
    if (!messages.length) {
      const empty = el(doc, 'div', 'empty-state', 'Ask about your code. The selection or file shown below is sent along; remove the chip to leave it out.');
      empty.dataset.testid = 'empty-state';
      list.append(empty);
    }
    for (const m of messages) list.append(messageNode(m));
    list.scrollTop = list.scrollHeight;
  }

  function updateMessage(id: string): void {
    const m = conversation?.messages.find((x) => x.id === id);
    const node = nodes.get(id);
    if (!m || !node) return;
    fillBody(node.querySelector<HTMLElement>('.message-body')!, m);
    fillStatus(node, m);
  }

  function flushDirty(): void {
    if (frame !== undefined) win.cancelAnimationFrame(frame);
    frame = undefined;
    const follow = following();
    for (const id of dirty) updateMessage(id);
    dirty.clear();
    if (follow) list.scrollTop = list.scrollHeight;
  }

  function appendMessage(m: ChatMessage): void {
    list.querySelector('[data-testid="empty-state"]')?.remove();
    list.append(messageNode(m));
    list.scrollTop = list.scrollHeight;
  }

  // ---- toolbar, chips, history ---------------------------------------------------------------
  function setBusy(b: boolean): void {
    busy = b;
    sendButton.hidden = b;
    stopButton.hidden = !b;
    doc.body.classList.toggle('busy', b);
  }

  function renderChips(items: ContextChip[]): void {
    chips.replaceChildren();
    for (const c of items) {
      const chip = el(doc, 'span', `chip chip-${c.kind}`);
      chip.dataset.testid = 'context-chip';
      chip.dataset.id = c.id;
      chip.title = c.kind === 'selection' ? 'Selection sent with your message' : 'File sent with your message';
      chip.append(el(doc, 'span', 'chip-label', c.label));
      const remove = el(doc, 'button', 'chip-remove', '×');
      remove.type = 'button';
      remove.dataset.testid = 'context-chip-remove';
      remove.setAttribute('aria-label', `Remove ${c.label}`);
      remove.addEventListener('click', () => post({ type: 'removeContext', id: c.id }));
      chip.append(remove);
      chips.append(chip);
    }
  }

  function renderHistory(): void {
    historyList.replaceChildren();
    if (!history.length) historyList.append(el(doc, 'div', 'history-empty', 'No past chats yet.'));
    for (const h of history) {
      const row = el(doc, 'div', 'history-row');
      if (h.id === conversation?.id) row.classList.add('current');
      const open = el(doc, 'button', 'history-item', h.title);
      open.type = 'button';
      open.dataset.testid = 'history-item';
      open.title = `${new Date(h.updatedAt).toLocaleString()} · ${h.messageCount} messages`;
      open.addEventListener('click', () => {
        post({ type: 'openConversation', id: h.id });
        toggleHistory(false);
      });
      const del = el(doc, 'button', 'history-delete', '×');
      del.type = 'button';
      del.dataset.testid = 'history-delete';
      del.setAttribute('aria-label', `Delete "${h.title}"`);
      del.addEventListener('click', () => post({ type: 'deleteConversation', id: h.id }));
      row.append(open, del);
      historyList.append(row);
    }
  }

  function toggleHistory(show = historyList.hidden): void {
    historyList.hidden = !show;
    historyButton.setAttribute('aria-expanded', String(show));
    if (show) renderHistory();
  }

  // ---- input ---------------------------------------------------------------------------------
  function autosize(): void {
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 240)}px`;
  }

  function send(): void {
    const text = input.value;
    if (busy || !text.trim()) return;
    post({ type: 'send', text });
    input.value = '';
    api.setState({ draft: '' });
    autosize();
  }

  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    } else if (e.key === 'Escape' && busy) {
      e.preventDefault();
      post({ type: 'stop' });
    }
  });
  input.addEventListener('input', () => {
    api.setState({ draft: input.value });
    autosize();
  });
  sendButton.addEventListener('click', send);
  stopButton.addEventListener('click', () => post({ type: 'stop' }));
  newButton.addEventListener('click', () => post({ type: 'newChat' }));
  historyButton.addEventListener('click', () => toggleHistory());

  // Code-block buttons and links inside answers (rendered HTML carries no handlers: delegate here).
  list.addEventListener('click', (e) => {
    const target = e.target as Element | null;
    const link = target?.closest('a');
    if (link) {
      e.preventDefault();
      const href = link.getAttribute('data-href');
      if (href) post({ type: 'openLink', href });
      return;
    }
    const button = target?.closest<HTMLButtonElement>('button[data-action]');
    const block = button?.closest<HTMLElement>('[data-testid="code-block"]');
    if (!button || !block) return;
    const code = (block.querySelector('code')?.textContent ?? '').replace(/\n$/, '');
    const languageId = languageIdFor(block.dataset.lang ?? '');
    const action = button.dataset.action;
    if (action === 'copy') {
      post({ type: 'copyCode', code });
      const label = (button.dataset.label ??= button.textContent ?? 'Copy'); // survives double clicks
      button.textContent = 'Copied';
      win.setTimeout(() => (button.textContent = label), 1200);
    } else if (action === 'insert') {
      post(languageId ? { type: 'insertCode', code, languageId } : { type: 'insertCode', code });
    } else if (action === 'apply') {
      post(languageId ? { type: 'applyCode', code, languageId } : { type: 'applyCode', code });
    }
  });

  const saved = api.getState() as { draft?: unknown } | undefined;
  if (typeof saved?.draft === 'string') input.value = saved.draft;
  setBusy(false);
  renderAll();
  post({ type: 'ready' }); // the host answers with a snapshot (after this returns: messages are async)

  return {
    receive(m: HostToWebview): void {
      switch (m.type) {
        case 'snapshot':
          conversation = m.conversation;
          history = m.history;
          setBusy(m.busy);
          renderChips(m.context);
          renderAll();
          if (!historyList.hidden) renderHistory();
          return;
        case 'event': {
          if (!conversation || m.conversationId !== conversation.id) return;
          conversation = applyEvent(conversation, m.event);
          const e = m.event;
          if (e.kind === 'userMessage' || e.kind === 'assistantStart') {
            const added = conversation.messages.find((x) => x.id === e.id);
            if (added) appendMessage(added);
          } else if (e.kind === 'delta') {
            dirty.add(e.id);
            frame ??= win.requestAnimationFrame(flushDirty);
          } else {
            dirty.add(e.id);
            flushDirty();
          }
          return;
        }
        case 'busy':
          setBusy(m.busy);
          return;
        case 'context':
          renderChips(m.context);
          return;
        case 'history':
          history = m.history;
          if (!historyList.hidden) renderHistory();
          return;
        case 'focusInput':
          input.focus();
          return;
      }
    },
  };
}

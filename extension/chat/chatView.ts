// The chat sidebar: a WebviewViewProvider wiring the webview UI to the chat session and VS Code.
import * as vscode from 'vscode';
import type { ChatContextItem, ChatDeps } from './types';
import type { HostToWebview, WebviewToHost } from './messages';
import { isParseError, parseWebviewMessage } from './messages';
import { ChatSession } from './chatSession';
import { ConversationStore } from './history';
import { ContextTracker } from './contextTracker';
import { chatHtml, makeNonce } from './html';
import { openableUrl } from './links';

export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'deepseekLocal.chatView';

  private view: vscode.WebviewView | undefined;
  /** True once the page's script has said "ready"; messages before that would be lost. */
  private ready = false;
  private focusWhenReady = false;
  private readonly store: ConversationStore;
  private readonly session: ChatSession;
  private readonly tracker: ContextTracker;

  constructor(private readonly context: vscode.ExtensionContext, private readonly deps: ChatDeps) {
    this.store = new ConversationStore(context.workspaceState);
    this.session = new ChatSession({
      deps,
      store: this.store,
      post: (m) => this.post(m),
      createTokenSource: () => new vscode.CancellationTokenSource(),
    });
    this.tracker = new ContextTracker(() => this.post({ type: 'context', context: this.tracker.chips() }));
    context.subscriptions.push(this);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const { extensionUri } = this.context;
    const webview = view.webview;
    webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist')],
    };
    webview.html = chatHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.css')).toString(),
    });
    webview.onDidReceiveMessage((raw) => this.receive(raw));
    view.onDidDispose(() => {
      if (this.view === view) {
        this.view = undefined;
        this.ready = false;
      }
    });
  }

  /** Reveals the view and sends `prompt` (with `context`, else the attached selection/file); resolves when answered. */
  async ask(prompt: string, context?: ChatContextItem[]): Promise<void> {
    await this.reveal();
    await this.session.send(prompt, context ?? this.tracker.items());
  }

  newChat(): void {
    void this.session.newChat().then(() => {
      this.postSnapshot();
      this.post({ type: 'focusInput' });
    });
  }

  dispose(): void {
    void this.session.stop();
    this.tracker.dispose();
  }

  private async reveal(): Promise<void> {
    this.focusWhenReady = true;
    if (this.view) {
      this.view.show(true);
      if (this.ready) this.post({ type: 'focusInput' });
      return;
    }
    try {
      await vscode.commands.executeCommand(`${ChatViewProvider.viewType}.focus`);
    } catch {
      // The view is not contributed (e.g. tests): the chat still runs and is shown when opened.
    }
  }

  private post(message: HostToWebview): void {
    if (this.view && this.ready) void this.view.webview.postMessage(message);
  }

  private postSnapshot(): void {
    this.post({
      type: 'snapshot',
      conversation: this.session.conversation,
      busy: this.session.busy,
      context: this.tracker.chips(),
      history: this.store.summaries(),
    });
  }

  private receive(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    if (isParseError(message)) {
      console.warn(`deepseek-local chat: ignored ${message.error}`);
      return;
    }
    this.handle(message).catch((err: unknown) => {
      void vscode.window.showErrorMessage(`DeepSeek chat: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  private async handle(m: WebviewToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.postSnapshot();
        if (this.focusWhenReady) this.post({ type: 'focusInput' });
        this.focusWhenReady = false;
        return;
      case 'send':
        return this.session.send(m.text, this.tracker.items());
      case 'stop':
        return this.session.stop();
      case 'newChat':
        return this.newChat();
      case 'removeContext':
        return this.tracker.remove(m.id);
      case 'insertCode':
        return insertAtCursor(m.code);
      case 'copyCode':
        return vscode.env.clipboard.writeText(m.code);
      case 'applyCode':
        return this.deps.applyCodeBlock(m.code, m.languageId);
      case 'openLink':
        return openLinkWithConfirmation(m.href);
      case 'openConversation':
        await this.session.open(m.id);
        return this.postSnapshot();
      case 'deleteConversation':
        await this.session.delete(m.id);
        return this.postSnapshot();
    }
  }
}

/** Replaces each selection of the last active editor with `code` (an empty selection is the cursor). */
async function insertAtCursor(code: string): Promise<void> {
  const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
  if (!editor) {
    void vscode.window.showInformationMessage('Open a file to insert the code into.');
    return;
  }
  const ok = await editor.edit((b) => {
    for (const sel of editor.selections) b.replace(sel, code);
  });
  if (!ok) throw new Error(`could not insert into ${editor.document.fileName}`);
}

/** Links from model output never navigate the webview; they open in the browser after a confirmation. */
async function openLinkWithConfirmation(href: string): Promise<void> {
  const url = openableUrl(href);
  if (!url) {
    void vscode.window.showWarningMessage(`DeepSeek chat: not opening "${href.slice(0, 200)}" (only http, https and mailto links open).`);
    return;
  }
  const choice = await vscode.window.showWarningMessage('Open this link from the chat?', { modal: true, detail: url }, 'Open');
  if (choice === 'Open') await vscode.env.openExternal(vscode.Uri.parse(url, true));
}

// Entry point: wires the sidecar, completions, edits, chat, status bar and settings together.
import * as vscode from 'vscode';
import type { DeepSeekSettings, StatusParams } from '../server/protocol';
import { ChatViewProvider } from './chat/chatView';
import type { ChatDeps } from './chat/types';
import { explainSelection } from './chatBridge/explain';
import { sidecarChat } from './chatBridge/sidecarChat';
import { API_KEY_SECRET, promptForApiKey } from './config/apiKey';
import { currentSettings, demoModelDir, settingsReader } from './config/currentSettings';
import { ModelSelector } from './config/selectModel';
import { completionsEnabledFor, fixedDebounceMs, SECTION, settingsProblem } from './config/settings';
import { EditCommands } from './edits/editCommands';
import { EditPreview, PROPOSED_SCHEME } from './edits/editPreview';
import { FixCodeActionProvider } from './edits/fixCodeAction';
import { SidecarInlineCompletionProvider } from './inline/provider';
import { toggleCompletions, toggleCompletionsForLanguage } from './inline/toggles';
import { Sidecar } from './sidecar/sidecar';
import { StatusBar } from './status/statusBar';
import type { SidecarView } from './status/statusText';

/** What activate() returns: tests drive and observe the extension through it. */
export interface DeepSeekLocalApi {
  /** Resolves when the sidecar has answered initialize for the first time. */
  readonly ready: Promise<void>;
  /** Resolves when the (possibly restarted) sidecar is running. */
  whenReady(): Promise<void>;
  readonly sidecarPid: number | undefined;
  readonly sidecarState: SidecarView['phase'];
  /** Last deepseek/status from the server. */
  readonly serverStatus: StatusParams | undefined;
  /** Settings last sent to the sidecar (API key omitted). */
  readonly settings: DeepSeekSettings;
  readonly statusBarText: string;
  readonly completions: SidecarInlineCompletionProvider;
  readonly edits: EditPreview;
  /** Sidecar edit requests and their preview, for tests that drive an edit end to end. */
  readonly editCommands: EditCommands;
  /** The "Select model" flow (folder validation, recent folders). */
  readonly models: ModelSelector;
  /** What the chat view is given: streaming chat with the sidecar and "Apply to file". */
  readonly chatDeps: ChatDeps;
  restartSidecar(): Promise<void>;
}

/** Kept so deactivate() can wait for the sidecar's clean shutdown. */
let activeSidecar: Sidecar | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<DeepSeekLocalApi> {
  const output = vscode.window.createOutputChannel('DeepSeek Local', { log: true });
  const sidecar = new Sidecar(context.asAbsolutePath('dist/server.js'), output, await currentSettings(context));
  activeSidecar = sidecar;
  const statusBar = new StatusBar();
  const enabledFor = (languageId: string) => completionsEnabledFor(settingsReader(), languageId);
  const completions = new SidecarInlineCompletionProvider(sidecar, enabledFor, output);
  completions.debounce.fixedMs = fixedDebounceMs(settingsReader());
  statusBar.setCompletionsEnabled(settingsReader()('completion.enabled') !== false);
  const preview = new EditPreview();
  const editCommands = new EditCommands(sidecar, preview, output);
  const chatDeps: ChatDeps = {
    chat: (turns, ctx, onDelta, token) => sidecarChat(sidecar, turns, ctx, onDelta, token),
    applyCodeBlock: (code, languageId) => editCommands.applyCodeBlock(code, languageId),
  };
  const chat = new ChatViewProvider(context, chatDeps);
  const models = new ModelSelector(context.globalState, () => demoModelDir(context));

  /** Re-reads settings and secrets and sends them to the running sidecar (no window reload needed). */
  let generation = 0;
  const reconfigure = async () => {
    const mine = ++generation;
    const settings = await currentSettings(context);
    if (mine !== generation) return; // a newer change overtook this one while the secret was read
    const problem = settingsProblem(settings);
    if (problem) output.warn(problem);
    completions.debounce.fixedMs = fixedDebounceMs(settingsReader());
    statusBar.setCompletionsEnabled(settings.completion?.enabled !== false);
    sidecar.configure(settings);
    if (sidecar.view.phase === 'stopped') await sidecar.restart();
  };

  context.subscriptions.push(
    output, sidecar, statusBar, completions, preview,
    sidecar.onDidChangeView((v) => statusBar.setView(v)),
    vscode.languages.registerInlineCompletionItemProvider([{ scheme: 'file' }, { scheme: 'untitled' }], completions),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new FixCodeActionProvider(), { providedCodeActionKinds: FixCodeActionProvider.kinds }),
    vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, preview),
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewType, chat, { webviewOptions: { retainContextWhenHidden: true } }),
    ...editCommands.register(),
    vscode.commands.registerCommand('deepseekLocal.explainSelection', () => explainSelection(chat)),
    vscode.commands.registerCommand('deepseekLocal.openChat', () => vscode.commands.executeCommand(`${ChatViewProvider.viewType}.focus`)),
    vscode.commands.registerCommand('deepseekLocal.newChat', async () => {
      await vscode.commands.executeCommand(`${ChatViewProvider.viewType}.focus`);
      chat.newChat();
    }),
    vscode.commands.registerCommand('deepseekLocal.restartSidecar', () => sidecar.restart()),
    vscode.commands.registerCommand('deepseekLocal.selectModel', () => models.pick()),
    vscode.commands.registerCommand('deepseekLocal.showLog', () => output.show(true)),
    vscode.commands.registerCommand('deepseekLocal.setApiKey', () => promptForApiKey(context.secrets)),
    vscode.commands.registerCommand('deepseekLocal.toggleCompletions', () => toggleCompletions()),
    vscode.commands.registerCommand('deepseekLocal.toggleCompletionsForLanguage', (languageId?: string) => toggleCompletionsForLanguage(languageId)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION)) void reconfigure();
    }),
    context.secrets.onDidChange((e) => {
      if (e.key === API_KEY_SECRET) void reconfigure();
    }),
  );

  void sidecar.start();
  const ready = sidecar.whenReady().then(() => undefined);
  return {
    ready,
    whenReady: () => sidecar.whenReady().then(() => undefined),
    get sidecarPid() { return sidecar.pid; },
    get sidecarState() { return sidecar.view.phase; },
    get serverStatus() { const v = sidecar.view; return v.phase === 'running' ? v.status : undefined; },
    get settings() { return { ...sidecar.currentSettings, apiKey: undefined }; },
    get statusBarText() { return statusBar.text; },
    completions,
    edits: preview,
    editCommands,
    chatDeps,
    models,
    restartSidecar: () => sidecar.restart(),
  };
}

export async function deactivate(): Promise<void> {
  await activeSidecar?.stop();
  activeSidecar = undefined;
}

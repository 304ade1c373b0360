// The status-bar item: sidecar state, loading progress, last decode speed; text comes from statusText.ts.
import * as vscode from 'vscode';
import { presentStatus, type SidecarView } from './statusText';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('deepseekLocal.status', vscode.StatusBarAlignment.Right, 100);
  private view: SidecarView = { phase: 'starting' };
  private lastTokensPerSecond: number | undefined;
  private completionsEnabled = true;

  constructor() {
    this.item.name = 'DeepSeek Local';
    this.render();
    this.item.show();
  }

  /** The text currently shown (tests and the browser e2e suite read it). */
  get text(): string { return this.item.text; }

  setView(view: SidecarView): void {
    this.view = view;
    if (view.phase === 'running' && view.status?.tokensPerSecond) this.lastTokensPerSecond = view.status.tokensPerSecond;
    this.render();
  }

  setCompletionsEnabled(enabled: boolean): void {
    this.completionsEnabled = enabled;
    this.render();
  }

  private render(): void {
    const p = presentStatus(this.view, { completionsEnabled: this.completionsEnabled, lastTokensPerSecond: this.lastTokensPerSecond });
    this.item.text = p.text;
    this.item.tooltip = p.tooltip;
    this.item.command = p.command;
    this.item.backgroundColor = p.severity === 'normal' ? undefined
      : new vscode.ThemeColor(p.severity === 'error' ? 'statusBarItem.errorBackground' : 'statusBarItem.warningBackground');
  }

  dispose(): void {
    this.item.dispose();
  }
}

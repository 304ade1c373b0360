// Inline completions (textDocument/inlineCompletion): FIM prompt, generation stopped by the post-processing
// rules, one request in flight per document (a newer one cancels the older at once).
import type { CancellationToken, InlineCompletionItem, InlineCompletionParams } from 'vscode-languageserver';
import type { BackendResult } from '../backends/api';
import { buildFimContext } from '../prompt/fim';
import { checkCompletion, completionMode, CompletionContext, finalizeCompletion } from '../prompt/completion-post';
import type { BackendHost } from './backend-host';
import type { StatusReporter } from './status';
import { Workspace } from './workspace';

export class InlineCompletionFeature {
  /** Per document URI: the controller of the request being answered. */
  private readonly inFlight = new Map<string, AbortController>();

  constructor(
    private readonly workspace: Workspace,
    private readonly host: BackendHost,
    private readonly status: StatusReporter,
  ) {}

  /** Requests still being answered (for tests and status). */
  get running(): number {
    return this.inFlight.size;
  }

  async provide(params: InlineCompletionParams, token: CancellationToken): Promise<InlineCompletionItem[]> {
    const settings = this.host.settings.completion;
    const backend = this.host.current;
    if (!settings.enabled || !backend) return [];
    const doc = this.workspace.require(params?.textDocument?.uri, 'textDocument.uri');
    const pos = params.position;
    if (!pos || typeof pos.line !== 'number' || typeof pos.character !== 'number') return [];

    const uri = doc.uri;
    this.inFlight.get(uri)?.abort();
    const ctl = new AbortController();
    this.inFlight.set(uri, ctl);
    const sub = token.onCancellationRequested(() => ctl.abort());
    try {
      const text = doc.getText();
      const offset = doc.offsetAt(pos);
      const before = text.slice(0, offset);
      const after = text.slice(offset);
      const nl = after.indexOf('\n');
      const ctx: CompletionContext = {
        linePrefix: before.slice(before.lastIndexOf('\n') + 1),
        lineSuffix: nl < 0 ? after : after.slice(0, nl),
        followingText: nl < 0 ? '' : after.slice(nl + 1),
        mode: 'single',
      };
      ctx.mode = completionMode(ctx.linePrefix, ctx.lineSuffix);
      const others = this.workspace.documents.all()
        .filter((d) => d.uri !== uri && d.languageId === doc.languageId)
        .map((d) => ({ path: this.workspace.displayPath(d.uri), languageId: d.languageId, text: d.getText() }));
      const fim = buildFimContext({
        prefix: before, suffix: after, languageId: doc.languageId, others,
        budget: settings.contextTokens, count: (t) => backend.countTokens(t),
      });
      // let messages already received run first (vscode-jsonrpc handles one per setImmediate turn): in a burst
      // of keystrokes the newer request supersedes this one before it costs a prefill
      for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
      if (ctl.signal.aborted) return [];
      this.status.begin();
      let result: BackendResult | undefined;
      try {
        result = await backend.complete(fim, {
          maxTokens: settings.maxTokens,
          temperature: 0,
          signal: ctl.signal,
          priority: 'completion',
          onText: (_delta, full) => !checkCompletion(full, ctx).stopped,
        });
      } finally {
        this.status.end('completion', result);
      }
      if (result.stopReason === 'cancelled' || ctl.signal.aborted) return [];
      const insertText = finalizeCompletion(result.text, ctx);
      if (!insertText.trim()) return [];
      return [{ insertText, range: { start: pos, end: pos } }];
    } finally {
      sub.dispose();
      if (this.inFlight.get(uri) === ctl) this.inFlight.delete(uri);
    }
  }
}

// Turns a failed sidecar edit request into what the user is told (vscode-free).
import { ErrorCodes } from '../../server/protocol';

/** JSON-RPC "request cancelled" (LSP): the user pressed Cancel, nothing to report. */
const REQUEST_CANCELLED = -32800;

export interface EditFailure {
  /** undefined: say nothing (cancelled). */
  message: string | undefined;
  /** Offer the model picker (nothing loaded). */
  offerSelectModel: boolean;
}

export function describeEditFailure(err: unknown, fileName: string): EditFailure {
  const code = typeof err === 'object' && err !== null && 'code' in err ? (err as { code: unknown }).code : undefined;
  const detail = err instanceof Error ? err.message : String(err);
  switch (code) {
    case REQUEST_CANCELLED:
      return { message: undefined, offerSelectModel: false };
    case ErrorCodes.DocumentChanged:
      return { message: `${fileName} changed while DeepSeek was editing it; nothing was changed. Run the edit again.`, offerSelectModel: false };
    case ErrorCodes.NotReady:
      return { message: `DeepSeek has no model ready: ${detail}`, offerSelectModel: true };
    case ErrorCodes.EditFailed:
      return { message: `DeepSeek's answer could not be turned into an edit of ${fileName}: ${detail}`, offerSelectModel: false };
    case ErrorCodes.BackendFailed:
      return { message: `The model backend failed: ${detail}`, offerSelectModel: false };
    default:
      return { message: `DeepSeek edit of ${fileName} failed: ${detail}`, offerSelectModel: false };
  }
}

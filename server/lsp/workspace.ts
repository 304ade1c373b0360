// Open documents and their paths: what the features read the user's code from.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResponseError, ErrorCodes as LspErrorCodes, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';

export class Workspace {
  /** Workspace folders as file-system paths (first one is the default root). */
  roots: string[] = [];

  constructor(readonly documents: TextDocuments<TextDocument>) {}

  /** File-system path of a file: URI; the URI itself for other schemes (untitled:, vscode-notebook-cell:). */
  static fsPath(uri: string): string {
    if (!uri.startsWith('file:')) return uri;
    try {
      return fileURLToPath(uri);
    } catch {
      return uri;
    }
  }

  /** The workspace folder holding `file`, else its own folder. */
  rootOf(file: string): string {
    const hit = this.roots.filter((r) => file === r || file.startsWith(r.endsWith(path.sep) ? r : r + path.sep)).sort((a, b) => b.length - a.length)[0];
    return hit ?? path.dirname(file);
  }

  /** Path shown to the model: relative to the workspace folder when inside one. */
  displayPath(uri: string): string {
    const file = Workspace.fsPath(uri);
    if (!path.isAbsolute(file)) return file;
    return path.relative(this.rootOf(file), file).split(path.sep).join('/');
  }

  /** The open document, or an InvalidParams error naming the URI. */
  require(uri: unknown, field = 'uri'): TextDocument {
    if (typeof uri !== 'string') throw new ResponseError(LspErrorCodes.InvalidParams, `'${field}' must be a document URI string`);
    const doc = this.documents.get(uri);
    if (!doc) throw new ResponseError(LspErrorCodes.InvalidParams, `document ${uri} is not open on the server (send textDocument/didOpen first)`);
    return doc;
  }
}

// $/progress for a client-provided work-done token: begin, text reports (with the new text), end.
import { Connection, ProgressType } from 'vscode-languageserver';
import type { ProgressToken } from 'vscode-languageserver';
import type { EditProgressReport } from '../protocol';

type WorkDoneValue =
  | { kind: 'begin'; title: string; cancellable?: boolean; message?: string }
  | EditProgressReport
  | { kind: 'end'; message?: string };

const workDone = new ProgressType<WorkDoneValue>();

export class WorkDone {
  constructor(private readonly connection: Connection, private readonly token: ProgressToken | undefined | null) {}

  private send(value: WorkDoneValue): void {
    if (this.token === undefined || this.token === null) return;
    void this.connection.sendProgress(workDone, this.token, value).catch(() => undefined);
  }

  begin(title: string): void {
    this.send({ kind: 'begin', title, cancellable: true });
  }

  report(delta: string, message?: string): void {
    this.send({ kind: 'report', delta, message });
  }

  end(message?: string): void {
    this.send({ kind: 'end', message });
  }
}

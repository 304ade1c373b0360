// Registry of CLI subcommands. Each module exports `command: CliCommand`.
export interface CliCommand {
  summary: string;
  /** Runs with the arguments after the subcommand name; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

export const commands: Record<string, CliCommand> = {
  // Subcommands register here, e.g. `logits: logitsCommand,` (imports above).
};

// `deepseek-local apply`: applies a model answer (stdin) to files, printing or atomically writing the result.
import fs from 'node:fs';
import path from 'node:path';
import { parseCommandArgs } from './args';
import type { CliCommand } from './index';
import { applyModelAnswer, writeFilesAtomically, type EditFormat, type SourceFile } from '../edit/index';

const USAGE = 'usage: deepseek-local apply --format auto|search-replace|udiff|whole [--root DIR] [--write] FILE... < answer';
const FORMATS: EditFormat[] = ['auto', 'search-replace', 'udiff', 'whole'];

function readStdin(): string {
  try {
    return fs.readFileSync(0, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EAGAIN' || (e as NodeJS.ErrnoException).code === 'EOF') return '';
    throw e;
  }
}

export const command: CliCommand = {
  summary: 'apply a model answer (stdin) to files: --format auto|search-replace|udiff|whole [--root DIR] [--write] FILE...',
  async run(args: string[]): Promise<number> {
    const parsed = parseCommandArgs('apply', USAGE, args, {
      format: { type: 'string', default: 'auto' }, root: { type: 'string' }, write: { type: 'boolean', default: false },
    }, true);
    if (typeof parsed === 'number') return parsed;
    const format = parsed.values.format as EditFormat;
    if (!FORMATS.includes(format)) return usage(`unknown format "${format}"`);
    const root = path.resolve(parsed.values.root ?? '.');
    const write = parsed.values.write;
    const fileArgs = parsed.positionals;
    if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) return usage(`--root ${root}: not a directory`);
    const files: SourceFile[] = [];
    for (const f of fileArgs) {
      const abs = path.resolve(f);
      if (!fs.existsSync(abs)) continue; // may be created by the answer
      if (!fs.statSync(abs).isFile()) return usage(`${f}: not a regular file`);
      files.push({ path: abs, text: fs.readFileSync(abs, 'utf8') });
    }
    const answer = readStdin();
    if (answer.trim() === '') return usage('no answer on standard input');
    const defaultPath = fileArgs.length === 1 ? path.resolve(fileArgs[0]) : undefined;
    const result = applyModelAnswer(answer, files, { format, root, defaultPath });
    if (!result.ok) {
      let msg = `deepseek-local apply: ${result.error}\n`;
      if (result.closest !== undefined) msg += `closest text in the file:\n${result.closest.replace(/^/gm, '  | ')}\n`;
      process.stderr.write(msg + 'nothing was changed\n');
      return 1;
    }
    const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');
    if (!write) {
      const out: Record<string, string | null> = {};
      for (const c of result.changes) out[rel(c.path)] = c.newText;
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      return 0;
    }
    try {
      writeFilesAtomically(root, result.changes.map((c) => ({ path: c.path, newText: c.newText })));
    } catch (e) {
      process.stderr.write(`deepseek-local apply: writing failed, nothing was changed: ${(e as Error).message}\n`);
      return 1;
    }
    for (const c of result.changes) {
      const how = c.kind === 'modify' ? `modified (${c.edits.length} edit${c.edits.length === 1 ? '' : 's'}; ${c.matches.map((m) => m.strategy).join(', ')})` : c.kind === 'create' ? 'created' : 'deleted';
      process.stdout.write(`${rel(c.path)}: ${how}\n`);
    }
    return 0;
  },
};

function usage(message: string): number {
  process.stderr.write(`deepseek-local apply: ${message}\n${USAGE}\n`);
  return 2;
}

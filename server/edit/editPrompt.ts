// Builds the user message asking the model for an edit in a given answer format.
import path from 'node:path';
import type { ConcreteFormat, SourceFile } from './types';
import { fenceFor } from './prompts/fence';
import { searchReplaceExample, searchReplaceInstructions } from './prompts/searchReplace';
import { udiffExample, udiffInstructions } from './prompts/udiff';
import { wholeExample, wholeInstructions } from './prompts/whole';

const PROMPTS: Record<ConcreteFormat, { instructions: string; example: string }> = {
  'search-replace': { instructions: searchReplaceInstructions, example: searchReplaceExample },
  udiff: { instructions: udiffInstructions, example: udiffExample },
  whole: { instructions: wholeInstructions, example: wholeExample },
};

const LANGUAGES: Record<string, string> = {
  '.ts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.jsx': 'jsx', '.py': 'python', '.go': 'go',
  '.rs': 'rust', '.c': 'c', '.h': 'c', '.cc': 'cpp', '.cpp': 'cpp', '.hpp': 'cpp', '.java': 'java', '.json': 'json',
  '.md': 'markdown', '.sh': 'bash', '.css': 'css', '.html': 'html', '.rb': 'ruby', '.cs': 'csharp', '.kt': 'kotlin',
};

export function editPrompt(format: ConcreteFormat, file: SourceFile, instruction: string,
  selection?: { startLine: number; endLine: number }): string {
  const { instructions, example } = PROMPTS[format];
  const lang = LANGUAGES[path.extname(file.path).toLowerCase()] ?? '';
  const fence = fenceFor(file.text);
  const body = file.text.replace(/\r\n/g, '\n').replace(/\n$/, '');
  const parts = [instructions, example, `Current content of ${file.path}:\n${fence}${lang}\n${body}\n${fence}`];
  if (selection) {
    const lines = body.split('\n').slice(selection.startLine - 1, selection.endLine);
    parts.push(`The request is about lines ${selection.startLine}-${selection.endLine} (1-based), which read:\n${fence}${lang}\n${lines.join('\n')}\n${fence}`);
  }
  parts.push(`Task: ${instruction.trim()}`);
  return parts.join('\n\n');
}

// Code-block languages: the highlight.js grammars bundled (common ones only, to keep the webview small)
// and the VS Code languageId each fence name maps to (for "Insert"/"Apply").
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import kotlin from 'highlight.js/lib/languages/kotlin';
import markdown from 'highlight.js/lib/languages/markdown';
import php from 'highlight.js/lib/languages/php';
import plaintext from 'highlight.js/lib/languages/plaintext';
import python from 'highlight.js/lib/languages/python';
import ruby from 'highlight.js/lib/languages/ruby';
import rust from 'highlight.js/lib/languages/rust';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import swift from 'highlight.js/lib/languages/swift';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

const grammars = {
  bash, c, cpp, csharp, css, diff, go, java, javascript, json, kotlin, markdown, php, plaintext,
  python, ruby, rust, shell, sql, swift, typescript, xml, yaml,
};
for (const [name, grammar] of Object.entries(grammars)) hljs.registerLanguage(name, grammar);

export { hljs };

/** Fence names (lower-case) whose VS Code languageId differs from the name itself. */
const LANGUAGE_IDS: Record<string, string> = {
  ts: 'typescript', tsx: 'typescriptreact', js: 'javascript', jsx: 'javascriptreact', mjs: 'javascript',
  cjs: 'javascript', py: 'python', python3: 'python', sh: 'shellscript', bash: 'shellscript', zsh: 'shellscript',
  shell: 'shellscript', console: 'shellscript', 'c++': 'cpp', cc: 'cpp', hpp: 'cpp', h: 'c', cs: 'csharp',
  'c#': 'csharp', md: 'markdown', yml: 'yaml', rs: 'rust', golang: 'go', kt: 'kotlin', rb: 'ruby',
  html: 'html', htm: 'html', svg: 'xml', text: 'plaintext', txt: 'plaintext', patch: 'diff', jsonc: 'jsonc',
};

/** Only characters that can appear in a language name (the fence info string is model output). */
export function fenceLanguage(info: string): string {
  const word = info.trim().split(/\s+/)[0] ?? '';
  return word.toLowerCase().replace(/[^a-z0-9_+#.-]/g, '').slice(0, 32);
}

/** The VS Code languageId for a fence name, or undefined when the block has none. */
export function languageIdFor(fence: string): string | undefined {
  const name = fenceLanguage(fence);
  if (!name) return undefined;
  return LANGUAGE_IDS[name] ?? name;
}

// Shared by the tokenizer tests: the real DeepSeek-V3 tokenizer (loaded once per test file) and a
// corpus of real text covering what BPE edge cases hide in.

import fs from 'node:fs';
import path from 'node:path';
import { deepseekV3TokenizerFiles } from './files';
import { loadTokenizer } from './index';
import type { ByteLevelBpeTokenizer } from './byteLevelBpeTokenizer';

let cached: Promise<ByteLevelBpeTokenizer> | undefined;

/** Our tokenizer over the real DeepSeek-V3 files. */
export function deepseekV3(): Promise<ByteLevelBpeTokenizer> {
  cached ??= loadTokenizer(path.dirname(deepseekV3TokenizerFiles().tokenizerJson)).then((t) => {
    if (!t) throw new Error('DeepSeek-V3 tokenizer.json not found');
    return t;
  });
  return cached;
}

const nodeModules = path.resolve(__dirname, '../../node_modules');
const readSlice = (file: string, max = 12_000) => fs.readFileSync(file, 'utf8').slice(0, max);

/** name → text: real source files in several languages plus prose, CJK, emoji, whitespace and numbers. */
export function corpus(): Record<string, string> {
  const py = readSlice(path.join(__dirname, 'testdata/sample.py'));
  return {
    'typescript (lib.es5.d.ts)': readSlice(path.join(nodeModules, 'typescript/lib/lib.es5.d.ts')),
    'javascript (@huggingface/jinja)': readSlice(path.join(nodeModules, '@huggingface/jinja/dist/index.js')),
    'c++ (napi.h)': readSlice(path.join(nodeModules, 'node-addon-api/napi.h')),
    'markdown (markdown-it README)': readSlice(path.join(nodeModules, 'markdown-it/README.md')),
    python: py,
    'python with CRLF': py.replace(/\n/g, '\r\n'),
    rust: readSlice(path.join(__dirname, 'testdata/sample.rs')),
    go: readSlice(path.join(__dirname, 'testdata/sample.go')),
    prose:
      "It was the best of times, it was the worst of times. They'll say you're right; I'M not sure we'd agree.\n" +
      'Mr. O\'Neil paid $1,234.56 on 2024-03-15 at 9:45pm (about 17% more than last year)... "Really?" she asked.',
    cjk: '深度求索发布了新的语言模型。日本語のテキストも、カタカナもひらがなも。한국어 문장입니다. 混合English和中文123个。㐀𠀀𪚥',
    emoji: 'Ship it 🚀🚀! 👍🏽 thumbs, 🇺🇸 flag, family 👨‍👩‍👧‍👦, ❤️ and 🫠 melting. 😀😃😄😁',
    'other scripts': 'café naïve e\u0301 Ελληνικά русский текст עברית العربية ١٢٣٤٥ ½ Ⅻ ① 𝟘𝟙 ｆｕｌｌｗｉｄｔｈ',
    whitespace: 'a  b   c\t\td\n\n\n  e \u00a0f\u3000g\u2028h\u0085i\ufeffj   \n \n\t\r\n  \r\n\r\nk    \n',
    numbers: '1 12 123 1234 12345 1234567890 3.14159 1e-10 0xFFFF 1,000,000 v2.0.1 a1b2c3 x123456y ٣٤٥٦',
    'special tokens inline':
      '<｜fim▁begin｜>def add(a, b):\n    <｜fim▁hole｜>\n<｜fim▁end｜><｜User｜>hi<｜Assistant｜>ok<｜end▁of▁sentence｜><|EOT|> x<｜begin▁of▁sentence｜>',
    'near-miss special tokens': '<｜User｜ <｜fim▁hole| <|EOT| <｜User><|EOT|><|EOT|>',
    'leading space': ' leading', 'leading newline': '\nfirst', 'lone char': 'x', empty: '',
  };
}

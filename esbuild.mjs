// One bundler script for every part of the product.
//   node esbuild.mjs               development build (source maps)
//   node esbuild.mjs --watch       rebuild on change
//   node esbuild.mjs --production  minified, with source maps
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const root = path.dirname(new URL(import.meta.url).pathname);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const dist = path.join(root, 'dist');

const common = {
  bundle: true,
  sourcemap: true,
  minify: production,
  logLevel: 'info',
  absWorkingDir: root,
  define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
};

/** Node-side bundles: the extension (inside VS Code's extension host), the sidecar, the CLI, the benchmark. */
const nodeBundles = {
  ...common,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode', 'mocha'],
  entryPoints: {
    extension: 'extension/extension.ts',
    server: 'server/server.ts',
    cli: 'server/cli.ts',
    bench: 'server/bench/bench.ts',
    // Extension-host integration tests (mocha stays external: the host loads it from node_modules).
    'test/suite': 'extension/test/suite/index.ts',
  },
  outdir: dist,
  // Prompt templates are text files reviewed like code.
  loader: { '.md': 'text', '.txt': 'text' },
};

/** The chat webview's script and stylesheet (runs in the webview's browser sandbox). */
const webviewBundle = {
  ...common,
  platform: 'browser',
  target: 'chrome120',
  format: 'iife',
  entryPoints: { webview: 'media/webview.ts' },
  outdir: dist,
  loader: { '.css': 'css' },
};

/** The compiled addon travels with the bundles (dist/native/), so the .vsix carries it. */
function copyNativeAddon() {
  const built = path.join(root, 'native/build/Release');
  if (!fs.existsSync(built)) return;
  fs.mkdirSync(path.join(dist, 'native'), { recursive: true });
  for (const file of fs.readdirSync(built)) {
    if (file.endsWith('.node')) fs.copyFileSync(path.join(built, file), path.join(dist, 'native', file));
  }
}

const configs = [nodeBundles, webviewBundle];
copyNativeAddon();
if (watch) {
  for (const cfg of configs) await (await esbuild.context(cfg)).watch();
} else {
  await Promise.all(configs.map((cfg) => esbuild.build(cfg)));
}

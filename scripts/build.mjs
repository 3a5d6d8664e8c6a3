// Builds one CommonJS file per plugin: every src/cli/check_*.ts exports `plugin`, and
// dist/check_*.cjs runs it. One bundled CommonJS file starts fastest (docs/DECISIONS.md).
import { build } from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const plugins = readdirSync(join(root, 'src/cli')).filter((f) => /^check_.*\.ts$/.test(f));

await Promise.all(
  plugins.map((file) =>
    build({
      stdin: {
        contents: `import { plugin } from './src/cli/${file.replace(/\.ts$/, '.js')}';\nimport { main } from './src/runtime/plugin.js';\nmain(plugin);\n`,
        resolveDir: root,
        sourcefile: `${file} (entry)`,
        loader: 'ts',
      },
      outfile: join(root, 'dist', file.replace(/\.ts$/, '.cjs')),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      // Lazy `import('node:https')` must become require(): a real import() starts Node's ES-module
      // loader, ten internal modules on every run (docs/DECISIONS.md D4).
      supported: { 'dynamic-import': false },
      define: { PACKAGE_VERSION: JSON.stringify(version) },
      legalComments: 'none',
      logLevel: 'warning',
    }),
  ),
);

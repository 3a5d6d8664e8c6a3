// Builds one CommonJS file per plugin of the registry (src/plugins/): dist/<plugin>.cjs runs the
// plugin's entry, and carries its own check's code only. One bundled CommonJS file starts
// fastest (docs/DECISIONS.md D4).
import { build } from 'esbuild';
import { join } from 'node:path';
import { loadRegistry, root, version } from './registry.mjs';

const { PLUGINS, bundleSource } = await loadRegistry();

await Promise.all(
  PLUGINS.map((plugin) =>
    build({
      stdin: { contents: bundleSource(plugin), resolveDir: root, sourcefile: `${plugin.name} (entry)`, loader: 'ts' },
      outfile: join(root, 'dist', `${plugin.name}.cjs`),
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

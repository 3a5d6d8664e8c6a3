// The plugin registry (src/plugins/) and its generators (src/generate/), compiled from TypeScript
// for the build and generate scripts, which run on plain Node: one CommonJS file under .cache/
// (not dist/, which is shipped).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/**
 * @returns {Promise<{ PLUGINS: { name: string, summary: string }[], TOOLS: { name: string, summary: string, source: string }[], debianToolFile: (t: unknown) => string, manualPage: (t: unknown, help: string, version: string, date: string) => string, bundleSource: (p: unknown) => string, generatedFiles: (p: unknown, read: (path: string) => string) => Map<string, string>,
 *   DEBIAN_PACKAGE: string, DEBIAN_LAYOUT: Record<'plugins' | 'tools' | 'manuals' | 'library' | 'icingaCommands' | 'documentation', string>, debianEntryFile: (p: unknown) => string }>}
 */
export async function loadRegistry() {
  const outfile = join(root, '.cache', 'build', 'registry.cjs');
  await build({
    stdin: {
      contents:
        "export { PLUGINS } from './src/plugins/index.js';\nexport { bundleSource, generatedFiles } from './src/generate/index.js';\nexport { DEBIAN_LAYOUT, DEBIAN_PACKAGE, debianEntryFile, debianToolFile, manualPage } from './src/generate/debian.js';\nexport { TOOLS } from './src/tools/index.js';\n",
      resolveDir: root,
      sourcefile: 'registry (entry)',
      loader: 'ts',
    },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    define: { PACKAGE_VERSION: JSON.stringify(version) },
    logLevel: 'warning',
  });
  const require = createRequire(import.meta.url);
  delete require.cache[outfile];
  return require(outfile);
}

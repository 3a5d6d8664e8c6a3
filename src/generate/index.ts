// Everything derived from the registry, as file contents keyed by their path in the repository.
// `npm run generate` writes them (scripts/generate.mjs); a test fails when a committed file
// differs from what this returns, so a hand edit cannot drift from the registry unnoticed.

import type { PluginEntry } from '../plugins/entry.js';
import { TOOLS, type ToolEntry } from '../tools/index.js';
import { directorBasket } from './director.js';
import { icingaCommands } from './icinga.js';
import { nagiosCommands, nrpeCommands } from './nagios.js';

/** The source of a plugin's bundle (scripts/build.mjs): its registry entry, run by the runtime. */
export function bundleSource(plugin: PluginEntry): string {
  return `import { entry } from './src/plugins/${plugin.name}.js';\nimport { main } from './src/runtime/main.js';\nmain(entry);\n`;
}

/** The executable that monitoring cores call: a few lines that start the bundle (src/runtime/launch.ts). */
function entryFile(plugin: PluginEntry): string {
  return [
    '#!/usr/bin/env node',
    `// ${plugin.name}: ${plugin.summary}.`,
    `// Generated from src/plugins/${plugin.name}.ts by \`npm run generate\`; runs the bundle that \`npm run build\` makes.`,
    `require('../dist/launch.cjs').launch(require('node:path').join(__dirname, '..', 'dist', '${plugin.name}.cjs'), ${JSON.stringify(plugin.service)});`,
    '',
  ].join('\n');
}

/** A tool's executable (src/tools/): it runs its bundle. */
function toolEntryFile(tool: ToolEntry): string {
  return [
    '#!/usr/bin/env node',
    `// ${tool.name}: ${tool.summary}.`,
    `// Generated from src/tools/index.ts by \`npm run generate\`; runs the bundle that \`npm run build\` makes.`,
    `require('../dist/${tool.name}.cjs');`,
    '',
  ].join('\n');
}

/** package.json with its `bin` listing every plugin and tool, everything else as it was. */
function packageJson(current: string, plugins: readonly PluginEntry[]): string {
  const manifest = JSON.parse(current) as Record<string, unknown>;
  manifest['bin'] = Object.fromEntries([
    ...plugins.map((p) => [p.name, `plugins/${p.name}`]),
    ...TOOLS.map((t) => [t.name, `bin/${t.name}`]),
  ]);
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * Replaces what stands between `<!-- generated: NAME -->` and `<!-- end -->` in a document, so
 * the README's copies of the examples are the generated ones.
 */
function replaceBlock(document: string, name: string, content: string): string {
  const start = `<!-- generated: ${name} -->\n`;
  const from = document.indexOf(start);
  const to = document.indexOf('<!-- end -->', from);
  if (from === -1 || to === -1) throw new Error(`no generated block "${name}" to fill`);
  return `${document.slice(0, from + start.length)}${content}${document.slice(to)}`;
}

/** Every generated file. `read` gives the committed text of files that are only partly generated. */
export function generatedFiles(plugins: readonly PluginEntry[], read: (path: string) => string): Map<string, string> {
  const nrpe = nrpeCommands(plugins);
  const files = new Map<string, string>([
    ['icinga-commands.conf', icingaCommands(plugins)],
    ['icinga-director-basket.json', directorBasket(plugins)],
    ['docs/nagios/commands.cfg', nagiosCommands(plugins)],
    ['docs/nrpe.cfg', nrpe],
    ['package.json', packageJson(read('package.json'), plugins)],
    [
      'README.md',
      replaceBlock(
        read('README.md'),
        'nrpe',
        `\`\`\`\n${nrpe
          .split('\n')
          .filter((l) => l.startsWith('command['))
          .join('\n')}\n\`\`\`\n`,
      ),
    ],
  ]);
  for (const plugin of plugins) files.set(`plugins/${plugin.name}`, entryFile(plugin));
  for (const tool of TOOLS) files.set(`bin/${tool.name}`, toolEntryFile(tool));
  return files;
}

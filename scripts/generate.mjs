// npm run generate: writes every file derived from the plugin registry (src/generate/index.ts):
// the plugins/ and bin/ entry files, package.json's bin, icinga-commands.conf,
// icinga-director-basket.json, docs/nagios/commands.cfg,
// docs/nrpe.cfg and the README's generated blocks. With --check it writes nothing and exits 1
// naming each file that differs from what the registry says (test/unit/generated.test.ts does
// the same in the test suite).
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadRegistry, root } from './registry.mjs';

const check = process.argv.includes('--check');
const { PLUGINS, generatedFiles } = await loadRegistry();
const read = (path) => readFileSync(join(root, path), 'utf8');
const drifted = [];
for (const [path, content] of generatedFiles(PLUGINS, read)) {
  const file = join(root, path);
  if (existsSync(file) && readFileSync(file, 'utf8') === content) continue;
  drifted.push(path);
  if (check) continue;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  if (path.startsWith('plugins/') || path.startsWith('bin/')) chmodSync(file, 0o755);
}
if (check && drifted.length > 0) {
  console.error(`differs from the registry (run npm run generate): ${drifted.join(', ')}`);
  process.exit(1);
}
console.log(
  drifted.length === 0 ? 'generated files are up to date' : `${check ? 'differs' : 'wrote'}: ${drifted.join(', ')}`,
);

// npm run bench:choices: the measurements behind docs/DECISIONS.md. Each variant is a minimal
// status check (parse --url, POST the read, print a line) bundled by esbuild the way the
// plugins are, so only the choice under test differs. Run side by side in one run. The CQL client
// against cassandra-driver (D23) is scripts/bench-cql-client.mjs, which bench:choices runs next.
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, markdownTable, requireTime, sideBySide, startStatusServer } from './bench-lib.mjs';
import { loadRegistry } from './registry.mjs';

requireTime();
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'bench-choices-'));
const runs = Number(process.env.BENCH_RUNS ?? 20);

const READ = `[{ type: 'read', mbean: 'org.apache.cassandra.db:type=StorageService', attribute: 'IncrementalBackupsEnabled' }]`;
const viaHttp = `
const body = JSON.stringify(${READ});
const u = new URL(url);
const req = http.request({ hostname: u.hostname, port: u.port, path: u.pathname + '/', method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
  let text = ''; res.setEncoding('utf8'); res.on('data', (d) => (text += d));
  res.on('end', () => finish(JSON.parse(text)[0].value));
});
req.end(body);`;
const viaFetch = `
fetch(url + '/', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(${READ}) })
  .then((r) => r.json()).then((a) => finish(a[0].value));`;
const finish = `function finish(v) { console.log(v ? 'OK - Incremental backup is enabled' : 'WARNING - disabled'); process.exit(v ? 0 : 1); }`;

const variants = {
  'parseArgs + node:http': `import http from 'node:http'; import { parseArgs } from 'node:util';
    const url = parseArgs({ options: { url: { type: 'string' } } }).values.url; ${finish} ${viaHttp}`,
  'yargs-parser + node:http': `import http from 'node:http'; import parser from 'yargs-parser';
    const url = parser(process.argv.slice(2)).url; ${finish} ${viaHttp}`,
  'full yargs + node:http': `import http from 'node:http'; import yargs from 'yargs'; import { hideBin } from 'yargs/helpers';
    const url = yargs(hideBin(process.argv)).option('url', { type: 'string' }).parseSync().url; ${finish} ${viaHttp}`,
  'parseArgs + global fetch': `import { parseArgs } from 'node:util';
    const url = parseArgs({ options: { url: { type: 'string' } } }).values.url; ${finish} ${viaFetch}`,
  'jolokia.js (uses fetch)': `import Jolokia from 'jolokia.js'; import { parseArgs } from 'node:util';
    const url = parseArgs({ options: { url: { type: 'string' } } }).values.url; ${finish}
    new Jolokia({ url }).request({ type: 'read', mbean: 'org.apache.cassandra.db:type=StorageService', attribute: 'IncrementalBackupsEnabled' })
      .then((r) => finish((Array.isArray(r) ? r[0] : typeof r === 'string' ? JSON.parse(r) : r).value));`,
};

const commands = [];
const empty = join(work, 'empty.cjs');
writeFileSync(empty, '');
commands.push({ name: 'empty node script (baseline)', argv: [process.execPath, empty] });

const server = await startStatusServer();
for (const [name, source] of Object.entries(variants)) {
  const outfile = join(work, `${commands.length}.cjs`);
  // yargs 18 and yargs-parser 22 are ES modules that call createRequire(import.meta.url): a CJS
  // bundle needs import.meta.url supplied.
  await build({
    stdin: { contents: source, resolveDir: root, loader: 'js' },
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'error',
    define: { 'import.meta.url': '__bundleUrl' },
    banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  commands.push({ name: `${name} (CJS bundle)`, argv: [process.execPath, outfile, '--url', server.url] });
}

// The plugin itself: one CJS bundle (what we ship), the same as one ES-module bundle, and the
// bundle started through the plugins/ entry with its #!/usr/bin/env node line.
// The entry is the build's own (scripts/registry.mjs), so it follows the plugin wherever src/ puts it.
const { PLUGINS, bundleSource } = await loadRegistry();
const esm = join(work, 'plugin.mjs');
await build({
  stdin: {
    contents: bundleSource(PLUGINS.find((p) => p.name === 'check_cassandra_backup')),
    resolveDir: root,
    loader: 'ts',
  },
  outfile: esm,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  define: { PACKAGE_VERSION: '"bench"' },
  logLevel: 'error',
});
commands.push({
  name: 'check_cassandra_backup, CJS bundle (node dist/…cjs)',
  argv: [process.execPath, join(root, 'dist', 'check_cassandra_backup.cjs'), '--url', server.url],
});
commands.push({ name: 'check_cassandra_backup, ESM bundle', argv: [process.execPath, esm, '--url', server.url] });
commands.push({
  name: 'check_cassandra_backup via plugins/ entry (env node)',
  argv: [join(root, 'plugins', 'check_cassandra_backup'), '--url', server.url],
});

const rows = await sideBySide(commands, { runs });
server.close();
rmSync(work, { recursive: true, force: true });
console.log(`${machine()}; ${runs} alternating rounds after 3 warm-up rounds\n\n${markdownTable(rows)}`);

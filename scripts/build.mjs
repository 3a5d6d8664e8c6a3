// Builds one CommonJS file per plugin of the registry (src/plugins/): dist/<plugin>.cjs runs the
// plugin's entry, and carries its own check's code only. One bundled CommonJS file starts
// fastest (docs/DECISIONS.md D4). Then dist/launch.cjs, which the plugins/ entry files call, and
// for each bundle the V8 code cache of a run against a local agent (scripts/code-cache.mjs).
// The YAML parser is a file of its own, dist/js-yaml.cjs, required only by --config/--find-config:
// no other run reads or compiles it (docs/DECISIONS.md D15). The readers over CQL are one file too,
// dist/cql.cjs, required only with --transport cql: a check over Jolokia pays nothing for them (D23).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { join } from 'node:path';
import { startStatusServer } from './bench-lib.mjs';
import { loadRegistry, root, version } from './registry.mjs';

const { PLUGINS, TOOLS, bundleSource } = await loadRegistry();
const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  legalComments: 'none',
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: [join(root, 'src', 'runtime', 'launch.ts')],
  outfile: join(root, 'dist', 'launch.cjs'),
});

const YAML_BUNDLE = 'js-yaml.cjs';
const yamlPackage = join(root, 'node_modules', 'js-yaml');
const yamlVersion = JSON.parse(readFileSync(join(yamlPackage, 'package.json'), 'utf8')).version;
await build({
  ...common,
  entryPoints: [join(yamlPackage, 'dist', 'js-yaml.cjs.js')],
  outfile: join(root, 'dist', YAML_BUNDLE),
  banner: { js: `/*! js-yaml ${yamlVersion}\n${readFileSync(join(yamlPackage, 'LICENSE'), 'utf8').trim()}\n*/` },
});
/** Every `import('js-yaml')` of a plugin becomes `require('./js-yaml.cjs')`, beside the bundle. */
const yamlBeside = {
  name: 'js-yaml-beside',
  setup(builder) {
    builder.onResolve({ filter: /^js-yaml$/ }, () => ({ path: `./${YAML_BUNDLE}`, external: true }));
  },
};

const CQL_BUNDLE = 'cql.cjs';
/**
 * Every `import('../cassandra/cql/index.js')` of a plugin loads dist/cql.cjs beside the bundle, with
 * its code cache, through dist/launch.cjs (the instance that started the plugin).
 */
const cqlBeside = {
  name: 'cql-beside',
  setup(builder) {
    builder.onResolve({ filter: /cassandra\/cql\/index\.js$/ }, () => ({ path: 'cql', namespace: 'cql-beside' }));
    builder.onResolve({ filter: /^\.\/launch\.cjs$/ }, () => ({ path: './launch.cjs', external: true }));
    builder.onLoad({ filter: /.*/, namespace: 'cql-beside' }, () => ({
      contents: `module.exports = require('./launch.cjs').requireBeside(__dirname, '${CQL_BUNDLE}');`,
      loader: 'js',
    }));
  },
};
await build({
  ...common,
  entryPoints: [join(root, 'src', 'cassandra', 'cql', 'index.ts')],
  outfile: join(root, 'dist', CQL_BUNDLE),
  supported: { 'dynamic-import': false },
  plugins: [yamlBeside],
});

await Promise.all(
  PLUGINS.map((plugin) =>
    build({
      ...common,
      stdin: { contents: bundleSource(plugin), resolveDir: root, sourcefile: `${plugin.name} (entry)`, loader: 'ts' },
      outfile: join(root, 'dist', `${plugin.name}.cjs`),
      // Lazy `import('node:https')` must become require(): a real import() starts Node's ES-module
      // loader, ten internal modules on every run (docs/DECISIONS.md D4).
      supported: { 'dynamic-import': false },
      define: { PACKAGE_VERSION: JSON.stringify(version) },
      plugins: [yamlBeside, cqlBeside],
    }),
  ),
);

// The tools (src/tools/): one bundle each, the access policy built in as text. They run rarely and
// briefly, so no code cache.
await Promise.all(
  TOOLS.map((tool) =>
    build({
      ...common,
      entryPoints: [join(root, tool.source)],
      outfile: join(root, 'dist', `${tool.name}.cjs`),
      define: { PACKAGE_VERSION: JSON.stringify(version) },
      loader: { '.xml': 'text' },
    }),
  ),
);

const agent = await startStatusServer();
try {
  for (const plugin of PLUGINS) {
    // The run's own output is not the point; an exit code of 0-3 and a cache file are. (The local
    // agent answers in this process: the run must not block it, hence no spawnSync.)
    const run = promisify(execFile)(process.execPath, [
      join(root, 'scripts', 'code-cache.mjs'),
      join(root, 'dist', `${plugin.name}.cjs`),
      '--url',
      agent.url,
    ]);
    await run.catch((error) => {
      if (!(error.code >= 1 && error.code <= 3))
        throw new Error(`the code-cache run of ${plugin.name} failed: ${error.stderr ?? error.message}`);
    });
  }
} finally {
  agent.close();
}

// The CQL bundle's cache, from a status check over CQL against a one-member fake CQL node.
const { startSimulatedCqlCluster } = await import('./simulated-cql-cluster.mjs');
const cqlNode = await startSimulatedCqlCluster({ size: 1, latencyMs: [0, 0] });
try {
  const { host, port } = cqlNode.contact;
  const run = promisify(execFile)(
    process.execPath,
    [join(root, 'scripts', 'code-cache.mjs'), join(root, 'dist', 'check_cassandra_backup.cjs')].concat([
      '--transport',
      'cql',
      '-H',
      host,
      '--cql-port',
      String(port),
    ]),
    { env: { ...process.env, CODE_CACHE_BESIDE_ONLY: '1' } },
  );
  await run.catch((error) => {
    if (!(error.code >= 1 && error.code <= 3))
      throw new Error(`the code-cache run over CQL failed: ${error.stderr ?? error.message}`);
  });
} finally {
  await cqlNode.close();
}

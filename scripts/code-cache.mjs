// Run by scripts/build.mjs: runs a plugin's bundle once, the way its executable does
// (dist/launch.cjs), against a local agent that answers the status reads, and writes the V8 code
// cache of everything that run compiled next to the bundle (dist/<plugin>.cache).
//
//   node scripts/code-cache.mjs dist/check_x.cjs --url http://127.0.0.1:PORT/jolokia
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { besideScripts, cachePath, compile, run } = require('../dist/launch.cjs');
const [bundle, ...args] = process.argv.slice(2);
const script = compile(bundle);
// With CODE_CACHE_BESIDE_ONLY, only the caches of the bundles loaded beside it (dist/cql.cjs over
// CQL), so that the plugin's own cache stays the one of its usual run.
const besideOnly = process.env.CODE_CACHE_BESIDE_ONLY === '1';
// The plugin ends with process.exit: the cache is written on the way out, when the run is over.
process.on('exit', () => {
  if (!besideOnly) writeFileSync(cachePath(bundle), script.createCachedData());
  for (const [beside, compiled] of besideScripts) writeFileSync(cachePath(beside), compiled.createCachedData());
});
process.argv = [process.argv[0], bundle, ...args];
run(script, bundle);

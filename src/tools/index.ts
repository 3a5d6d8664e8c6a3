// The commands the package ships besides the plugins: an administrator runs them on a node, no
// monitoring core does. Each is one bundle, dist/<name>.cjs, built from its `source`.

export interface ToolEntry {
  readonly name: string;
  /** One line, for the entry file and the package's manual page. */
  readonly summary: string;
  /** Its entry point, from the repository's root. */
  readonly source: string;
}

export const TOOLS: readonly ToolEntry[] = [
  {
    name: 'cassandra-jolokia-attach',
    summary: 'attaches the Jolokia JVM agent to a running Cassandra node, without a restart',
    source: 'src/tools/jolokia-attach/bin.ts',
  },
];

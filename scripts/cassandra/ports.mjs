// @ts-check
// TCP ports: free ones from the OS, never the same one twice, and the set one node needs.

import net from 'node:net';

/**
 * @typedef {object} NodePorts
 * @property {number} jmx nodetool's, on 127.0.0.1 whatever the node's address
 * @property {number} storage
 * @property {number} native CQL
 * @property {number[]} agents a free one for each Jolokia agent, in order (an agent may be given its own instead)
 */

/** Ports handed out by this process: a node started at the same time must not get one of them. */
const handedOut = new Set();

/**
 * Asks the OS for `count` distinct free TCP ports on 127.0.0.1 (bind port 0, keep all open, then
 * close), none handed out before by this process: the OS may offer a port again as soon as it is
 * closed, before the node it was meant for listens on it.
 * @param {number} count
 * @returns {Promise<number[]>}
 */
export async function freePorts(count) {
  /** @type {net.Server[]} */
  const servers = [];
  try {
    /** @type {number[]} */
    const ports = [];
    while (ports.length < count) {
      const server = net.createServer();
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(undefined));
      });
      servers.push(server);
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      if (!handedOut.has(port)) ports.push(port);
    }
    for (const port of ports) handedOut.add(port);
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(() => resolve(undefined)))));
  }
}

/**
 * The ports of one node. The JMX port is always its own: every node's listens on 127.0.0.1. A
 * cluster's nodes share the storage and native ports (`given`), each on its own address.
 * @param {{ storage: number, native: number } | undefined} given
 * @param {number} agentCount
 * @returns {Promise<NodePorts>}
 */
export async function nodePorts(given, agentCount) {
  const [jmx, ...more] = await freePorts(1 + (given === undefined ? 2 : 0) + agentCount);
  const [storage, native] = given === undefined ? more.splice(0, 2) : [given.storage, given.native];
  if (storage === undefined || native === undefined || jmx === undefined) throw new Error('no free ports');
  return { jmx, storage, native, agents: more };
}

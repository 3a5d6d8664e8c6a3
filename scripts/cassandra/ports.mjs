// @ts-check
// TCP ports: free ones from the OS, never the same one twice.

import net from 'node:net';

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

// Cassandra knowledge over CQL: what a health-check script running nodetool statusbinary,
// statusgossip and statusbackup asks, as far as CQL tells it. The native transport answers, so it
// runs; the backup flag is system_views.settings'; gossip and the mode come from the node's own
// row of system_views.gossip_info where the release has it. Joined, Drained, Draining and
// Decommissioning are JMX's alone: said, never guessed. Judged by checks/node-health.ts.

import type { NodeHealth } from '../node-health.js';
import type { CqlEndpoint, CqlLimits } from '../../cql/session.js';
import { SETTING } from '../config-file.js';
import { readGossip } from './gossip.js';
import { modeOfStatus } from './gossip.js';
import { booleanSetting, observed, readSettings, releaseText, select, withNode } from './node.js';

export function readNodeHealth(endpoint: CqlEndpoint, limits: CqlLimits): Promise<NodeHealth> {
  return withNode(endpoint, limits, async (node) => {
    const started = process.hrtime.bigint();
    const local = select(node, 'system.local', 'SELECT host_id, release_version FROM system.local', {}).then(
      ([row]) => ({ hostId: row?.host_id, releaseVersion: releaseText(row?.release_version) }),
    );
    const release = observed(local.then((l) => l.releaseVersion));
    const [self, settings, gossip] = await Promise.all([
      local,
      readSettings(node, [SETTING], release),
      readGossip(node, release),
    ]);
    const roundTripSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const own = gossip?.find((row) => row.hostId !== undefined && row.hostId === self.hostId);
    const stopped = own?.status === 'shutdown';
    const untold =
      gossip === undefined
        ? `over CQL: gossip and the mode are not told by Cassandra ${self.releaseVersion ?? 'of this release'} (no system_views.gossip_info); Joined, Drained, Draining and Decommissioning only over JMX (--transport jolokia)`
        : `over CQL: gossip and the mode from the node's own gossip_info row (STATUS ${own?.status ?? 'missing'}); Joined, Drained, Draining and Decommissioning only over JMX (--transport jolokia)`;
    return {
      // It answered on its native port: the native transport runs.
      binary: true,
      gossip: own === undefined ? undefined : !stopped,
      backup: booleanSetting(settings, SETTING, node.session.where),
      mode: modeOfStatus(own?.status),
      joined: undefined,
      drained: undefined,
      draining: undefined,
      decommissioning: undefined,
      releaseVersion: self.releaseVersion,
      roundTripSeconds,
      where: `${node.session.where} (CQL)`,
      transport: 'cql',
      untold,
    };
  });
}

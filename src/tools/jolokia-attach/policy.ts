// The plugins' access policy (docs/jolokia-access.xml), built into the command as text (an esbuild
// loader): installed where none is, it is always the policy of the plugins of the same release.

import POLICY_XML from '../../../docs/jolokia-access.xml';

export { POLICY_XML };

#!/usr/bin/env bash
# Debian 12's own Node.js 18 (what `apt install nodejs` gives on a Cassandra node), unpacked into
# .cache/debian-node18 and never installed over the machine's Node. The tests run the plugins with
# it (PLUGIN_NODE=.cache/debian-node18/bin/node, see scripts/test.mjs). Idempotent.
#
# That Node loads some of its built-ins (cjs-module-lexer, undici, acorn) from /usr/share/nodejs by
# absolute path, so bin/node runs it in a private mount namespace with the cache's usr/share/nodejs
# bind-mounted there (as the invoking user: a user namespace when not root), and finds its libraries
# through LD_LIBRARY_PATH. The machine's /usr/share/nodejs is left as it is.
#
#   bash scripts/debian-node.sh        prints the path of the wrapper
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEST="$ROOT/.cache/debian-node18"
WRAPPER="$DEST/bin/node"
# What Debian splits out of nodejs; the shared libraries it also needs (libuv1, libicu72,
# libnghttp2-14, libbrotli1, libssl3) are on every Debian 12 machine with Node or Icinga 2.
# nodejs and libnode108 are pinned to the same version.
PACKAGES=(libc-ares2 node-acorn node-cjs-module-lexer node-undici)

if [ -x "$WRAPPER" ] && "$WRAPPER" -e 'process.exit(process.versions.node.startsWith("18.") ? 0 : 1)' 2>/dev/null; then
  echo "$WRAPPER"
  exit 0
fi

SUDO=()
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO=(sudo -n)

# Debian's build, not a third-party one that may be installed: its version carries +dfsg.
debian_version() { apt-cache madison nodejs 2>/dev/null | awk -F'|' '$2 ~ /dfsg/ { gsub(/ /, "", $2); print $2; exit }'; }
version=$(debian_version)
if [ -z "$version" ]; then
  "${SUDO[@]}" apt-get update -qq
  version=$(debian_version)
fi
if [ -z "$version" ]; then
  echo "debian-node: no Debian build of nodejs in the package lists (is this Debian 12?)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 777 "$work" # apt's download sandbox user (_apt) writes there
(cd "$work" && apt-get download -qq "nodejs=$version" "libnode108=$version" "${PACKAGES[@]}" >/dev/null)
rm -rf "$DEST"
mkdir -p "$DEST/bin"
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$DEST/root"; done

# The bind mount needs its mount point; Debian's own nodejs package would create it too.
[ -d /usr/share/nodejs ] || "${SUDO[@]}" mkdir -p /usr/share/nodejs

cat > "$WRAPPER" <<'WRAPPER'
#!/bin/sh
# Debian 12's Node.js 18, unpacked by scripts/debian-node.sh: see there.
root=$(cd "$(dirname "$0")/../root" && pwd)
if [ "$(id -u)" -eq 0 ]; then namespaces=--mount; else namespaces='--user --map-root-user --mount'; fi
exec unshare $namespaces sh -c 'mount --bind "$0/usr/share/nodejs" /usr/share/nodejs && LD_LIBRARY_PATH="$0/usr/lib/x86_64-linux-gnu" exec "$0/usr/bin/node" "$@"' "$root" "$@"
WRAPPER
chmod 755 "$WRAPPER"
chmod -R a+rX "$DEST"

if ! "$WRAPPER" -e 'process.exit(process.versions.node.startsWith("18.") ? 0 : 1)'; then
  echo "debian-node: $WRAPPER does not run Node 18" >&2
  exit 1
fi
echo "$WRAPPER"

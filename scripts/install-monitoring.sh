#!/usr/bin/env bash
# Installs the real monitoring programs the integration tests run (Debian's packages): Icinga 2,
# Nagios 4, the NRPE daemon and check_nrpe, Prometheus' promtool and node_exporter (its textfile
# collector reads what --format prometheus writes), lintian, which checks the Debian package
# (npm run deb), and Icinga Director with icingacli, PHP's PostgreSQL driver and PostgreSQL, where
# the Director test imports the generated basket into a database of its own. Idempotent: when all are installed it only
# prints their versions (no apt-get at all). The packaged services are neither started nor left enabled:
# the tests run their own instances (own config, state and ports in temporary folders).
#
#   bash scripts/install-monitoring.sh          (as root, or through sudo)
set -euo pipefail

PACKAGES=(icinga2 nagios4 nagios-nrpe-server nagios-nrpe-plugin prometheus prometheus-node-exporter lintian
  icingaweb2-module-director icingacli php-pgsql postgresql)
# Services those packages (and what they pull in: exim4 for nagios4's mail notifications) ship;
# icingaweb2-module-director is the Director's background daemon.
SERVICES=(icinga2 nagios4 nagios-nrpe-server exim4 apache2 prometheus prometheus-node-exporter icingaweb2-module-director)
# The binaries the tests call, as Debian places them.
BINARIES=(/usr/sbin/icinga2 /usr/sbin/nagios4 /usr/sbin/nrpe /usr/lib/nagios/plugins/check_nrpe /usr/bin/promtool /usr/bin/prometheus-node-exporter /usr/bin/lintian
  /usr/bin/icingacli /usr/lib/postgresql/15/bin/initdb /usr/lib/postgresql/15/bin/postgres)

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo -n); else
    echo "install-monitoring: needs root (or sudo) to install ${PACKAGES[*]}" >&2
    exit 1
  fi
fi

installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = "installed" ]
}

missing=()
for p in "${PACKAGES[@]}"; do installed "$p" || missing+=("$p"); done
# A PostgreSQL server that was already here is somebody's own: only one this script installs is disabled.
installed postgresql || SERVICES+=(postgresql)
for b in "${BINARIES[@]}"; do
  if [ ! -x "$b" ] && [ ${#missing[@]} -eq 0 ]; then
    echo "install-monitoring: $b is missing although its package is installed; reinstalling" >&2
    missing=("${PACKAGES[@]}")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  started=$(date +%s)
  echo "install-monitoring: installing ${missing[*]}"

  # No service may start during the install: a policy-rc.d that refuses every action (101), put in
  # place for the duration only; an existing one (e.g. a container's) is restored afterwards.
  policy=/usr/sbin/policy-rc.d
  backup=""
  if [ -e "$policy" ]; then
    backup=$(mktemp /tmp/policy-rc.d.XXXXXX)
    "${SUDO[@]}" cp -p "$policy" "$backup"
  fi
  restore_policy() {
    if [ -n "$backup" ]; then "${SUDO[@]}" cp -p "$backup" "$policy"; rm -f "$backup"; else "${SUDO[@]}" rm -f "$policy"; fi
  }
  trap restore_policy EXIT
  printf '#!/bin/sh\n# install-monitoring.sh: no service starts during the install\nexit 101\n' | "${SUDO[@]}" tee "$policy" >/dev/null
  "${SUDO[@]}" chmod 755 "$policy"

  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"

  restore_policy
  trap - EXIT

  # Not enabled either: the tests start their own instances; a booted machine must not start these.
  for s in "${SERVICES[@]}"; do
    [ -e "/etc/init.d/$s" ] || [ -e "/lib/systemd/system/$s.service" ] || continue
    if [ -e "/etc/init.d/$s" ]; then
      # Stop it if it runs anyway (an init system that ignores policy-rc.d).
      if "${SUDO[@]}" "/etc/init.d/$s" status >/dev/null 2>&1; then "${SUDO[@]}" "/etc/init.d/$s" stop >/dev/null 2>&1 || true; fi
      "${SUDO[@]}" update-rc.d "$s" disable >/dev/null 2>&1 || true
    fi
    if [ -e "/lib/systemd/system/$s.service" ]; then
      if [ -d /run/systemd/system ]; then "${SUDO[@]}" systemctl disable --now "$s.service" >/dev/null 2>&1 || true
      # Without a running systemd, systemctl still removes the unit's links (deb-systemd-helper
      # refuses to run outside dpkg's maintainer scripts).
      else "${SUDO[@]}" systemctl disable "$s.service" >/dev/null 2>&1 || true; fi
    fi
  done
  echo "install-monitoring: installed in $(( $(date +%s) - started )) s"
fi

for b in "${BINARIES[@]}"; do
  if [ ! -x "$b" ]; then echo "install-monitoring: $b is still missing" >&2; exit 1; fi
done

echo "install-monitoring: $(dpkg-query -W -f='${Package} ${Version}, ' "${PACKAGES[@]}" | sed 's/, $//')"
echo "  $(/usr/sbin/icinga2 --version 2>/dev/null | head -n 1)"
echo "  $(/usr/sbin/nagios4 --version 2>/dev/null | grep -m 1 -i 'nagios core')"
echo "  $(/usr/sbin/nrpe -V 2>/dev/null | grep -m 1 -i version) (nrpe), $(/usr/lib/nagios/plugins/check_nrpe -V 2>/dev/null | grep -m 1 -i version) (check_nrpe)"
echo "  $(/usr/bin/promtool --version 2>&1 | head -n 1) (promtool), $(/usr/bin/prometheus-node-exporter --version 2>&1 | head -n 1)"
echo "  $(/usr/bin/lintian --version 2>/dev/null)"
echo "  $(/usr/lib/postgresql/15/bin/postgres --version 2>/dev/null) (the Director test's own database)"

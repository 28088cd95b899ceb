#!/usr/bin/env bash
# Installs what the system tests need from Debian: Prometheus (+ promtool), PostgreSQL 15 for
# Unleash, and Chromium for the console's browser tests. Idempotent; needs root (CI runs as root).
set -euo pipefail
need=()
command -v prometheus >/dev/null || need+=(prometheus)
command -v promtool >/dev/null || need+=(prometheus)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "system deps: prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}'), postgresql $(ls /usr/lib/postgresql), chromium $(chromium --version 2>/dev/null | awk '{print $2}')"

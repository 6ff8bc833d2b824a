#!/usr/bin/env bash
# System packages the tests and the demo use: a CJK font (real PDFs with Chinese
# text), Chromium (browser tests, screenshots), antiword (.doc attachments),
# PostgreSQL and Redis (the tests and `make production-check` start private instances;
# the packages' own services stay stopped).
# Installs only what is missing; needs root (or passwordless sudo) for apt-get.
set -euo pipefail
need=()
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v antiword >/dev/null 2>&1 || need+=(antiword)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
echo "installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

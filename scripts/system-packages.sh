#!/usr/bin/env bash
# Installs the Debian packages the tests and benchmarks use, when any is missing.
# Called by `npm test` and by .ci/run; does nothing when all are present.
set -euo pipefail
PKGS=(openssl chromium xvfb xauth xterm x11-apps x11-utils xdotool xclip firefox-esr tigervnc-scraping-server imagemagick)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
((${#missing[@]})) || exit 0
echo "Installing Debian packages: ${missing[*]}" >&2
SUDO=()
[[ $(id -u) -eq 0 ]] || SUDO=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"

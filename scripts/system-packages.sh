#!/usr/bin/env bash
# Installs the Debian packages the tests and benchmarks use, when any is missing.
# Called by `npm test` and by .ci/run; does nothing when all are present.
# test/scripts/system-packages.test.ts fails when a test, benchmark or script spawns a program
# whose package is not listed here (a hand-installed package would make CI red on a new machine).
# Data packages nothing spawns, and why they are here:
#   xfonts-base: the X core fonts the annotation overlay draws text with (Xvfb does not pull it in
#                without recommends).
# wine64 (8.0, with libwine): runs the Windows helper (lifeline-helper.exe, node.exe) and Wine's own
#   notepad and reg for the Windows conformance suite, e2e and bench (test/support/wine.ts).
# dex: runs the XDG autostart entries of a desktop login, as a session would (the Linux helper's
#   one-session resume entry after a restart); desktop-file-utils: desktop-file-validate checks it.
# git: bench/screen/encoder-replay-bench.ts extracts the baseline encoder of a revision
#   (git rev-parse, git archive).
set -euo pipefail
PKGS=(openssl binutils binutils-x86-64-linux-gnu xz-utils chromium xvfb xauth xterm x11-apps x11-utils x11-xserver-utils xfonts-base xdotool xclip firefox-esr tigervnc-scraping-server imagemagick ffmpeg systemd msitools wixl rpm wine64 git postgresql redis-server haproxy libarchive-tools tinyproxy-bin openbox dex desktop-file-utils libglib2.0-bin gsettings-desktop-schemas)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
((${#missing[@]})) || exit 0
echo "Installing Debian packages: ${missing[*]}" >&2
SUDO=()
[[ $(id -u) -eq 0 ]] || SUDO=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"

#!/usr/bin/env bash
# Install the Debian packages the project needs, when they are missing.
#   scripts/system-packages.sh build   what `make install` needs to build PyICU (ICU headers)
#   scripts/system-packages.sh         that, plus what the tests and benchmarks need
set -euo pipefail
needed=()
command -v pkg-config >/dev/null 2>&1 || needed+=(pkg-config)
pkg-config --exists icu-i18n 2>/dev/null || needed+=(libicu-dev)
command -v g++ >/dev/null 2>&1 || needed+=(g++)
if [ "${1:-}" != "build" ]; then
command -v chromium >/dev/null 2>&1 || needed+=(chromium)
command -v chromedriver >/dev/null 2>&1 || needed+=(chromium-driver)
command -v pdftotext >/dev/null 2>&1 || needed+=(poppler-utils)
command -v msgfmt >/dev/null 2>&1 || needed+=(gettext)
command -v wrk >/dev/null 2>&1 || needed+=(wrk)
command -v docker-compose >/dev/null 2>&1 || needed+=(docker-compose)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || needed+=(fonts-dejavu-core)
fi
if [ ${#needed[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${needed[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${needed[@]}"
fi

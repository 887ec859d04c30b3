#!/usr/bin/env bash
# Debian packages the tests and the demo need, installed with apt-get when missing:
#   chromium          the browser the Playwright tests drive (/usr/bin/chromium)
#   fonts-wqy-zenhei  Chinese glyphs for the PDF posters, passes and reports
#   gettext           msgfmt, to compile the translation catalogues
#   poppler-utils     pdftotext, with which the tests read the PDFs back
# Usage: scripts/system_deps.sh [PACKAGE ...]  (default: the four above)
set -euo pipefail
packages=("$@")
[ ${#packages[@]} -eq 0 ] && packages=(chromium fonts-wqy-zenhei gettext poppler-utils)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "Please install as root: apt-get install ${missing[*]}" >&2; exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [[ " ${packages[*]} " == *" chromium "* ]] && ! [ -x /usr/bin/chromium ]; then
  echo "chromium is installed but /usr/bin/chromium is missing: the browser tests need it" >&2
  exit 1
fi

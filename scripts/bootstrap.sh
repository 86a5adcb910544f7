#!/usr/bin/env bash
# Install everything memberhub needs on a fresh Debian machine: system libraries (WeasyPrint, fonts, PDF tools,
# the browser for console tests), a virtual environment from the lock file. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libjpeg62-turbo libopenjp2-7 libffi-dev
  fonts-dejavu-core fonts-liberation fonts-noto-core
  poppler-utils chromium wrk
)
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing system packages: ${missing[*]}"
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "bootstrap: missing system packages (install them with apt-get as root): ${missing[*]}" >&2
  fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.lock | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  quiet() { grep -v "is ignored: it is neither a file nor a directory" || true; }
  .venv/bin/pip install -q --upgrade pip 2>&1 | quiet
  .venv/bin/pip install -q -r requirements.lock 2>&1 | quiet
  test "${PIPESTATUS[0]}" = 0 || { echo "bootstrap: pip install failed" >&2; exit 1; }
  .venv/bin/pip install -q --no-deps -e . 2>&1 | quiet
  echo "$want" > "$stamp"
fi
echo "bootstrap: python environment ready (.venv)"

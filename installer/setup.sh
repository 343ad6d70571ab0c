#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine (run as root, or with sudo):
#   bash installer/setup.sh --demo   install everything, create the demo store, start the app
#   bash installer/setup.sh --test   install everything (PostgreSQL, Xvfb, poppler… included), run the whole suite
# Extra arguments after --test go to pytest (e.g. --full for the full torture campaign).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
mode=${1:---demo}; shift || true

APT_PACKAGES=(
  python3 python3-venv python3-dev gcc
  libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0
  libxcb-shape0 libxcb-xkb1 libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
  fonts-noto-core xvfb xauth openbox
  poppler-utils postgresql iproute2 nftables
  softhsm2 libnss3-tools
  libsane-dev sane-utils ocrmypdf tesseract-ocr-vie fonts-dejavu-core
)

install_system() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then echo "setup: system packages present"; return; fi
  if [ "$(id -u)" -ne 0 ]; then echo "setup: need root for: ${missing[*]}" >&2; exit 1; fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_python() {
  # Debian 12's interpreter (3.11). PySide6 is pinned to 6.11.3: 6.12 aborts on 3.11 (tests/ui/test_pyside_stress.py).
  local py=/usr/bin/python3
  [ -x "$py" ] || py=$(command -v python3)
  if [ ! -x .venv/bin/python ]; then "$py" -m venv .venv; fi
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements.lock
  .venv/bin/python -m pip install -q --no-deps -e .
  # libsane cancels its reader threads asynchronously and can deadlock inside malloc (see
  # desk_app/scanning/sane_helper.py): a tiny preload keeps them deferred in the SANE helper.
  .venv/bin/python -m desk_app.scanning.sane_helper --build-shim .venv/lib/desk_sane >/dev/null \
    || echo "setup: the SANE cancel shim was not built (scanning still recovers from a hang)" >&2
  # byte-compile our own code as an installed package would be: the editable install leaves it
  # as source, which costs ~25 ms of every start-up (more where PYTHONDONTWRITEBYTECODE is set)
  .venv/bin/python -m compileall -q desk_app offline_store reference_backend >/dev/null
}

install_system
install_python

case "$mode" in
  --demo)
    DATA=${DESK_DATA_DIR:-$HOME/.local/share/mot-cua-desk/demo}
    # the demo desk is encrypted at rest, as a province would set up its desks (issue 17)
    if [ ! -f "$DATA/desk.sqlite3" ]; then .venv/bin/desk-app init --data-dir "$DATA" --demo --encrypt; fi
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
      echo "setup: no display; starting the app on a virtual screen (Xvfb). Set DISPLAY to see it."
      exec xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/desk-app gui --data-dir "$DATA" "$@"
    fi
    exec .venv/bin/desk-app gui --data-dir "$DATA" "$@"
    ;;
  --test)
    export QT_QPA_PLATFORM=offscreen OMP_THREAD_LIMIT=1
    set +e
    # pytest-xdist: one worker per core, at most 4 (DESK_TEST_WORKERS=0 runs it in one process)
    .venv/bin/python -m pytest -q -p no:cacheprovider -n "${DESK_TEST_WORKERS:-auto}" \
      --maxprocesses 4 "$@"
    rc=$?
    set -e
    [ $rc -eq 5 ] && { echo "setup: pytest collected no tests" >&2; exit 1; }
    exit $rc
    ;;
  *) echo "usage: installer/setup.sh --demo|--test [args]" >&2; exit 2 ;;
esac

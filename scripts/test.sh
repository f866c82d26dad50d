#!/usr/bin/env bash
# The test command of README.md (and of .ci/run): installs what the tests need, then runs them.
# System packages (LibreOffice, fonts, poppler) come from Debian when missing and we are root;
# PostgreSQL clusters and mail servers are started by the tests themselves.
#
#   ./scripts/test.sh            the whole suite (what CI runs)
#   ./scripts/test.sh --fast     unit and document tests only (not `slow`): a couple of minutes
#   ./scripts/test.sh ARGS…      any other arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."

fast=()
if [ "${1:-}" = "--fast" ]; then
  shift
  fast=(-m "not slow")
fi

need=()
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
# `remiss annex --pdf` drives LibreOffice over UNO (to fill in the table of contents) from python3.
/usr/bin/python3 -c "import uno" 2>/dev/null || need+=(python3-uno)
command -v pdftotext >/dev/null || need+=(poppler-utils)
fc-list 2>/dev/null | grep -qi carlito || need+=(fonts-crosextra-carlito fonts-crosextra-caladea)
# PostgreSQL binaries for the tests' throwaway cluster (tests/pg.py); the tests start their own.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null || need+=(postgresql)
# Dovecot for the tests' throwaway IMAP server (tests/mail/support.py); they start their own.
command -v dovecot >/dev/null || [ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd)
# nginx for the README's reverse-proxy example in front of the desk (tests/web/test_proxy.py).
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
# Debian's chromium for the desk's browser tests (Playwright's own download is not reachable).
[ -x /usr/bin/chromium ] || need+=(chromium)
# its Swedish UI strings: a date input reads åååå-mm-dd in the desk's screenshots, not mm/dd/yyyy.
[ -f /usr/lib/chromium/locales/sv.pak ] || need+=(chromium-l10n)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "Not root, so not installing ${need[*]}: tests that need them are skipped." >&2
  fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
# pip only when pyproject.toml changed since the last install into this .venv (or never ran).
stamp=.venv/.remiss-installed
if [ ! -f "$stamp" ] || ! cmp -s pyproject.toml "$stamp"; then
  .venv/bin/pip install -q --disable-pip-version-check -e '.[test]'
  cp pyproject.toml "$stamp"
fi
# axe-core for the desk's accessibility checks, from npm, kept out of git (tests/web/.axe/).
if [ ! -f tests/web/.axe/node_modules/axe-core/axe.min.js ] && command -v npm >/dev/null; then
  npm install --silent --prefix tests/web/.axe axe-core@4 >/dev/null || echo "axe-core not installed from npm." >&2
fi
.venv/bin/ruff check .
exec .venv/bin/python -m pytest ${fast[@]+"${fast[@]}"} "$@"

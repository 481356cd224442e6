#!/bin/sh
# The second command of the README: build everything (normal, sanitizer and fuzz builds, the web
# UI), fetch the npm test clients and the browser driver, and run every suite. The last line is "N passed, N failed".
set -e
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
make -j"$(nproc)" all
make -j"$(nproc)" asan >/dev/null
if command -v clang >/dev/null 2>&1; then make fuzz >/dev/null; fi
if [ -f tests/sdk/package.json ]; then
	(cd tests/sdk && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
# The web UI (served from web/dist) and its browser tests' driver, from their lockfiles.
(cd web && npm ci --no-audit --no-fund --loglevel=error >/dev/null && npm run build >/dev/null)
(cd tests/ui && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
exec tests/run.sh

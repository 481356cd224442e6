#!/bin/sh
# The first command of the README: install what is needed, build (the server and the web UI),
# create a demo company in ./data (SQLite) and serve it on http://127.0.0.1:8080 until Ctrl-C.
set -e
cd "$(dirname "$0")/.."
scripts/install-deps.sh
make -j"$(nproc)" build/voronka
# The web UI: Preact + Vite from web/package-lock.json, built into web/dist (served at /).
(cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build)
DATA=${VORONKA_DATA:-data}
if [ ! -f "$DATA/voronka.db" ]; then
	build/voronka init --data "$DATA" --admin-email admin@voronka.local --admin-password admin --demo
	echo "Sign in at http://${VORONKA_LISTEN:-127.0.0.1:8080}/login as admin@voronka.local / admin"
	echo "(or as any demo user above, password: demo)"
else
	echo "Using the existing company in $DATA; sign in at http://127.0.0.1:8080/login"
fi
exec build/voronka serve --data "$DATA" --listen "${VORONKA_LISTEN:-127.0.0.1:8080}"

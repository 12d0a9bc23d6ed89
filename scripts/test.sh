#!/usr/bin/env bash
# The whole test suite: install, typecheck, lint, tests. Ends with "N passed, N failed".
# PostgreSQL tests use $DATABASE_URL when set; otherwise scripts/postgres.sh provisions
# a throwaway cluster on 127.0.0.1 (installing Debian's postgresql when absent).
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM=(npx -y pnpm@10.34.8)
"${PNPM[@]}" install --frozen-lockfile --reporter=append-only

echo "== typecheck"
node_modules/.bin/tsc -p tsconfig.json --noEmit
echo "== lint"
node_modules/.bin/biome check .

cleanup=()
trap 'for c in "${cleanup[@]}"; do eval "$c"; done' EXIT
if [ -z "${DATABASE_URL:-}" ] && [ -x scripts/postgres.sh ]; then
  eval "$(scripts/postgres.sh start)"
  cleanup+=("scripts/postgres.sh stop")
fi

echo "== tests"
mkdir -p .tmp
status=0
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json || status=$?
node scripts/summary.mjs .tmp/vitest.json
exit "$status"

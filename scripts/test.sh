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
echo "== docs site"
"${PNPM[@]}" docs:site

cleanup=()
trap 'for c in "${cleanup[@]}"; do eval "$c"; done' EXIT
if [ -z "${DATABASE_URL:-}" ] && [ -x scripts/postgres.sh ]; then
  eval "$(scripts/postgres.sh start)"
  cleanup+=("scripts/postgres.sh stop")
fi

# The mail-merge's PDF tests read the PDFs back with poppler's pdftotext and pdfinfo (Debian's poppler-utils).
if ! command -v pdftotext >/dev/null 2>&1; then
  apt-get install -y poppler-utils >&2 || { apt-get update >&2 && apt-get install -y poppler-utils >&2; }
fi

echo "== tests"
mkdir -p .tmp
status=0
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json || status=$?
node scripts/summary.mjs .tmp/vitest.json
exit "$status"

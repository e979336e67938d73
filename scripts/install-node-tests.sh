#!/usr/bin/env bash
# Installs tests/node (the graphql-http audit of the GraphQL-over-HTTP spec, from the npm registry,
# as its lockfile pins it) for tests/e2e/test_graphql_http_audit.py. Without npm that test skips.
set -euo pipefail
dir="$(cd "$(dirname "$0")/.." && pwd)/tests/node"
if ! command -v npm >/dev/null; then
  echo "npm not found: the graphql-http audit test will skip" >&2
  exit 0
fi
(cd "$dir" && npm ci --silent --no-audit --no-fund)
echo "graphql-http installed into $dir/node_modules"

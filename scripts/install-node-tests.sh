#!/usr/bin/env bash
# Installs tests/node (graphql-http's audit of the GraphQL-over-HTTP spec, graphql-ws's client,
# Apollo Client and urql, from the npm registry as its lockfile pins them) for
# tests/e2e/test_graphql_http_audit.py and tests/e2e/test_js_clients.py.
# Without npm those tests skip.
set -euo pipefail
dir="$(cd "$(dirname "$0")/.." && pwd)/tests/node"
if ! command -v npm >/dev/null; then
  echo "npm not found: the graphql-http audit test will skip" >&2
  exit 0
fi
(cd "$dir" && npm ci --silent --no-audit --no-fund)
echo "graphql-http installed into $dir/node_modules"

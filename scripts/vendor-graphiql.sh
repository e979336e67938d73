#!/usr/bin/env bash
# Puts GraphiQL and React (UMD builds, from the npm registry) in app/web/vendor/ so that GraphiQL
# works offline. Without npm the page falls back to a CDN; nothing else depends on these files.
set -euo pipefail
dest="$(cd "$(dirname "$0")/.." && pwd)/app/web/vendor"
[ -f "$dest/graphiql.min.js" ] && exit 0
if ! command -v npm >/dev/null; then
  echo "npm not found: GraphiQL will load its scripts from a CDN" >&2
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent graphiql@3.8.3 react@18.2.0 react-dom@18.2.0 >/dev/null) || {
  echo "npm pack failed: GraphiQL will load its scripts from a CDN" >&2
  exit 0
}
for archive in "$work"/*.tgz; do tar xzf "$archive" -C "$work" --transform "s|^package|$(basename "$archive" .tgz)|"; done
mkdir -p "$dest"
cp "$work"/graphiql-3.8.3/graphiql.min.js "$work"/graphiql-3.8.3/graphiql.min.css "$dest"/
cp "$work"/react-18.2.0/umd/react.production.min.js "$work"/react-dom-18.2.0/umd/react-dom.production.min.js "$dest"/
echo "GraphiQL vendored into $dest"

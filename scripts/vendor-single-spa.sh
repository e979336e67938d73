#!/usr/bin/env bash
# Puts single-spa (its ES module build, from the npm registry) in app/web/vendor/single-spa/ for
# the /demo/single-spa root config, so that the demo works offline: nothing is loaded from a CDN.
# Only that demo page needs it; without npm it says so and the rest works.
set -euo pipefail
version=6.0.3
dest="$(cd "$(dirname "$0")/.." && pwd)/app/web/vendor/single-spa"
[ -f "$dest/single-spa.min.js" ] && grep -q "single-spa@$version" "$dest/single-spa.min.js" && exit 0
if ! command -v npm >/dev/null; then
  echo "npm not found: /demo/single-spa needs single-spa; install npm and run make again" >&2
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "single-spa@$version" >/dev/null) || {
  echo "npm pack single-spa@$version failed: /demo/single-spa will not work" >&2
  exit 0
}
tar xzf "$work/single-spa-$version.tgz" -C "$work"
mkdir -p "$dest"
cp "$work"/package/lib/es2015/esm/single-spa.min.js "$work"/package/lib/es2015/esm/single-spa.min.js.map "$work"/package/LICENSE "$dest"/
echo "single-spa $version vendored into $dest"

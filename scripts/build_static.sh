#!/usr/bin/env bash
# Build front-end assets into build/static (run by `make static`; needs `npm ci` first).
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/static
govuk=node_modules/govuk-frontend/dist/govuk
rm -rf "$out"
mkdir -p "$out/css" "$out/js" "$out/govuk/assets" "$out/pocketcouncil"
npx --no-install sass --style=compressed --no-source-map --quiet-deps \
  --silence-deprecation=import --silence-deprecation=global-builtin --load-path=node_modules \
  assets/scss/app.scss "$out/css/app.css"
cp "$govuk/govuk-frontend.min.js" "$out/js/govuk-frontend.min.js"
cp -r "$govuk/assets/images" "$out/govuk/assets/images"
cp assets/js/*.js "$out/js/"
# Leaflet for maps (progressive enhancement: every map has a typed alternative).
mkdir -p "$out/leaflet"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map \
  node_modules/leaflet/dist/leaflet.css "$out/leaflet/"
cp -r node_modules/leaflet/dist/images "$out/leaflet/images"
cp assets/images/* "$out/pocketcouncil/"
echo "Built static assets into $out"

#!/bin/sh
# Rebuild snorkel_nb/widgets/static/lf_editor.js (CodeMirror 6, MIT) once, offline after.
# Run from anywhere; builds in a scratch dir outside the repo (needs npm + network).
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
STATIC="$HERE/../../snorkel_nb/widgets/static"
WORK=${WORK:-/tmp/snb_editor_build}
mkdir -p "$WORK" && cp "$HERE/package.json" "$HERE/package-lock.json" "$HERE/editor.js" "$WORK/"
cd "$WORK" && npm ci --no-audit --no-fund
./node_modules/.bin/esbuild editor.js --bundle --minify --format=esm --target=es2020 \
  --legal-comments=none --outfile="$STATIC/lf_editor.js"
echo "wrote $STATIC/lf_editor.js (update lf_editor.LICENSES.txt if dependencies changed)"

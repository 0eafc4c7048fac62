#!/usr/bin/env bash
# The main job on the bundled example, as README's quick start runs it (`npm run example`):
# contracts → checked model → generated artifacts (build/).
set -euo pipefail
cd "$(dirname "$0")/.."
lakec() { node bin/lakec.js "$@"; }

echo "== lakec check"
lakec check
echo "== lakec build"
lakec build --out build

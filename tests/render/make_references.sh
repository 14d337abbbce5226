#!/bin/sh
# Regenerates tests/render/references/*.png from the current renderer. Run only after
# checking by eye that a rendering change is intended; commit the new PNGs with the change.
# Usage: tests/render/make_references.sh [BUILD_DIR]   (default: build-render, then build)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-}
if [ -z "$build" ]; then
  for b in "$root/build-render" "$root/build"; do
    if [ -x "$b/tests/render/tandem_render_tests" ]; then build=$b; break; fi
  done
fi
[ -n "$build" ] || { echo "error: build tandem_render_tests first" >&2; exit 1; }
cmake --build "$build" --target tandem_render_tests
TANDEM_RENDER_WRITE_REFERENCES=1 "$build/tests/render/tandem_render_tests" -tc='render: raster*'
echo "references written to $here/references"

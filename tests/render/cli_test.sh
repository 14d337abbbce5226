#!/bin/sh
# `tandem export` end to end: v1 update files in, PDF/PNG out, checked with poppler-utils.
# Usage: cli_test.sh TANDEM_EXE CASE      (CASE: pdf | png | session | errors | big)
set -eu
exe=$1
case=$2
here=$(cd "$(dirname "$0")" && pwd)
fx=$here/fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export FONTCONFIG_FILE=$here/fonts.conf
fail() { echo "FAIL: $*" >&2; exit 1; }

case $case in
pdf)
  "$exe" export --from-update "$fx/board.bin" -o "$tmp/b.pdf" --date 2026-01-02T03:04:05Z 2>"$tmp/err"
  pdfinfo "$tmp/b.pdf" | grep -q '^Pages: *2$' || fail "board should have 2 pages"
  pdftotext "$tmp/b.pdf" - | grep -q 'Second frame red text' || fail "frame text missing"
  grep -q '^warning: .*cat.png' "$tmp/err" || fail "missing image not reported on stderr"
  "$exe" export --from-update "$fx/board.bin" -o "$tmp/b2.pdf" --date 2026-01-02T03:04:05Z 2>/dev/null
  cmp -s "$tmp/b.pdf" "$tmp/b2.pdf" || fail "same input and date gave different bytes"
  "$exe" export --from-update "$fx/board.bin" -o "$tmp/one.pdf" --frame Plan --paper a4 2>/dev/null
  pdfinfo "$tmp/one.pdf" | grep -q '^Pages: *1$' || fail "--frame should give one page"
  pdfinfo "$tmp/one.pdf" | grep -q 'A4' || fail "--paper a4 ignored"
  "$exe" export --from-update "$fx/plan.bin" -o "$tmp/p.pdf" --paper letter 2>/dev/null
  pdfinfo "$tmp/p.pdf" | grep -q '612 x 792' || fail "plan should be letter"
  ;;
png)
  "$exe" export --from-update "$fx/board.bin" -o "$tmp/t.png" --width 300 2>/dev/null
  file "$tmp/t.png" 2>/dev/null | grep -q 'PNG image data, 300 x' ||
    [ "$(od -An -tu1 -j16 -N4 "$tmp/t.png" | tr -s ' ')" = " 0 0 1 44" ] || fail "PNG is not 300 px wide"
  ;;
session)
  "$exe" export --from-update "$fx/board.bin" --with-plan-update "$fx/plan.bin" -o "$tmp/s.pdf" 2>/dev/null
  pages=$(pdfinfo "$tmp/s.pdf" | sed -n 's/^Pages: *//p')
  [ "$pages" -ge 3 ] || fail "session should hold board and plan pages, got $pages"
  pdftotext -f "$pages" -l "$pages" "$tmp/s.pdf" - | grep -q 'Page' || fail "plan footer missing on last page"
  ;;
errors)
  if "$exe" export --from-update "$fx/unknown_kind.bin" -o "$tmp/u.pdf" 2>"$tmp/err"; then fail "unknown kind should fail"; fi
  grep -q "^error: unknown document kind 'spreadsheet'" "$tmp/err" || fail "unclear error: $(cat "$tmp/err")"
  [ ! -s "$tmp/u.pdf" ] || fail "no output expected on error"
  head -c 100 "$fx/board.bin" > "$tmp/trunc.bin"
  if "$exe" export --from-update "$tmp/trunc.bin" -o "$tmp/t.pdf" 2>"$tmp/err"; then fail "truncated update should fail"; fi
  grep -q '^error: ' "$tmp/err" || fail "truncated update: no error line"
  if "$exe" export --from-update "$fx/board.bin" --frame Nope -o "$tmp/n.pdf" 2>"$tmp/err"; then fail "unknown frame should fail"; fi
  grep -q "Nope" "$tmp/err" || fail "unknown frame not named"
  "$exe" export --from-update "$fx/malformed_board.bin" -o "$tmp/m.pdf" 2>"$tmp/err" || fail "malformed board must still export"
  [ "$(grep -c '^warning: element .* skipped' "$tmp/err")" -eq "$(grep -c . "$fx/malformed_board.expect")" ] ||
    fail "one warning per malformed element expected"
  ;;
big)
  node "$here/js/make_docs.mjs" --big 100000 "$tmp/big.bin" >/dev/null
  "$exe" export --from-update "$tmp/big.bin" -o "$tmp/big.pdf" 2>"$tmp/err" || fail "100k board export failed: $(tail -3 "$tmp/err")"
  pdfinfo "$tmp/big.pdf" | grep -q '^Pages: *1$' || fail "100k board should be one fitted page"
  "$exe" export --from-update "$tmp/big.bin" -o "$tmp/big.png" --width 1024 2>/dev/null || fail "100k board PNG failed"
  ;;
*) fail "unknown case $case" ;;
esac
echo "ok $case"

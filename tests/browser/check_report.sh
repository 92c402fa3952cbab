#!/usr/bin/env bash
# Browser check of report.html: render the reports of the shipped sample,
# of ../shared/seeds (when present) and of a tiny hostile corpus in headless
# Chromium, save PNG screenshots, and check the rendered DOM with
# check_dom.py (a chart per family with matches, every source, example
# sentences, the categories table, the Wordfish positions of the sample,
# nothing external, input text escaped, the time section with --period,
# and on the seeds:
# business-insider labels the Taliban most delegitimisingly of the five).
#
# Usage: tests/browser/check_report.sh   (after `cargo build --release`)
# Env: SLANT (binary, default target/release/slant), SHARED (default
# ../shared), OUT (default target/browser).
set -euo pipefail
cd "$(dirname "$0")/../.."
SLANT="${SLANT:-target/release/slant}"
SHARED="${SHARED:-../shared}"
OUT="${OUT:-target/browser}"
HERE=tests/browser

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "chromium not found; installing Debian's chromium"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update && apt-get install -y chromium
  else
    echo "chromium not found and not root: install it with 'apt-get install -y chromium'" >&2
    exit 1
  fi
fi
chromium --version 2>/dev/null || true

rm -rf "$OUT" && mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

# Headless Chromium, with everything that could reach the network off.
chrome() {
  local profile
  profile="$(mktemp -d)"
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" "$@" 2>>"$OUT/chromium.log"
  rm -rf "$profile"
}

# render NAME DIR [check_dom.py options...]
render() {
  local name="$1" dir="$2"
  shift 2
  local html="$dir/report.html"
  test -s "$html" || { echo "FAIL: $html missing"; exit 1; }
  local size
  size=$(wc -c <"$html")
  echo "== $name: $html ($size bytes)"
  chrome --screenshot="$OUT/$name.png" --window-size=1280,4000 "file://$html"
  test -s "$OUT/$name.png" || { echo "FAIL: no screenshot for $name"; exit 1; }
  chrome --dump-dom "file://$html" >"$OUT/$name.dom.html"
  test -s "$OUT/$name.dom.html" || { echo "FAIL: empty DOM for $name"; exit 1; }
  python3 "$HERE/check_dom.py" "$OUT/$name.dom.html" "$dir" "$@"
  echo "   screenshot: $OUT/$name.png"
}

# 1. The shipped sample, scaled with Wordfish (its sources have 4 documents
# each), so the positions chart is checked too.
"$SLANT" analyze data/sample -o "$OUT/sample" --quiet --scale --scale-min-docs 2
render sample "$OUT/sample" --scaling --min-score armed_group daily-ledger frontline-news

# 1b. The sample in two groups of sources (--groups), side by side.
printf 'source,group\ndaily-ledger,hawks\nnorthern-post,hawks\nfrontline-news,doves\nthe-beacon,doves\ncivic-wire,doves\n' \
  >"$OUT/sample-groups.csv"
"$SLANT" analyze data/sample -o "$OUT/sample-groups" --groups "$OUT/sample-groups.csv" --quiet
render sample-groups "$OUT/sample-groups" --groups

# 2. A hostile corpus: markup in source names, ids and text.
XSS='<img src=x onerror=alert(1)>'
mkdir -p "$OUT/xss-in"
python3 - "$OUT/xss-in/corpus.csv" "$XSS" <<'EOF'
import csv, sys
path, xss = sys.argv[1], sys.argv[2]
rows = [
    ("x1", xss, "s1", "The terrorists attacked the depot. \"Militants!\" a witness said. <script>alert(2)</script>"),
    ("x2", xss, "s2", "Officials said the terrorist group claimed the attack. See https://example.com/a.png"),
    ("x3\"><b>id</b>", "plain & \"quoted\" 'outlet'", "s1", "The insurgents said the militants had left. url(http://x/y) @import"),
    ("x4", "plain & \"quoted\" 'outlet'", "s2", "Rebels and insurgents crossed the river; the insurgents said so."),
    ("x5", "=cmd|' /C calc'!A0", "s1", "The militants and the fighters withdrew, militants said."),
]
with open(path, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["id", "source", "story", "text"])
    w.writerows(rows)
    f.write('bad,"unterminated\n')
EOF
"$SLANT" analyze "$OUT/xss-in/corpus.csv" -o "$OUT/xss" --quiet
render xss "$OUT/xss" --literal-source "$XSS"

# 3. The sample over time: a time section with a chart per family.
"$SLANT" analyze data/sample -o "$OUT/sample-time" --period week --min-docs 2 --quiet
render sample-time "$OUT/sample-time" --time

# 4. The seed articles (five outlets, one US strike on the Taliban).
if [ -d "$SHARED/seeds" ]; then
  "$SLANT" analyze "$SHARED/seeds" --manifest "$SHARED/seeds/manifest.csv" -o "$OUT/seeds" --quiet
  render seeds "$OUT/seeds" --min-score armed_group business-insider bloomberg outlet-001 outlet-002 outlet-004
else
  echo "note: $SHARED/seeds not found; skipping the seed report check"
fi

echo "browser check passed; screenshots in $OUT"

#!/bin/sh
# compare.sh DIR [GOLD.jsonl]: runs qabot bench and its peers (chromem-go's
# QueryEmbedding, bleve BM25) back to back, each in its own process, on the
# same documents and questions, and prints every figure with the ratio
# qabot/peer. Run from anywhere; DIR and GOLD are relative to the caller.
set -eu
if [ $# -lt 1 ]; then
	echo "usage: bench/compare.sh DIR [GOLD.jsonl]" >&2
	exit 2
fi
abs() { (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd)" "$(basename "$1")"); }
docs=$(abs "$1")
gold=""
if [ $# -ge 2 ]; then
	gold=$(abs "$2")
fi
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$here/.." && go build -o "$tmp/qabot" ./cmd/qabot)
(cd "$here" && go build -o "$tmp/peers" ./cmd/peers)

set -- --docs "$docs"
if [ -n "$gold" ]; then
	set -- "$@" --questions "$gold"
fi
echo "qabot bench…" >&2
"$tmp/qabot" bench --json "$@" >"$tmp/qabot.json"
echo "chromem-go…" >&2
"$tmp/peers" --peer chromem "$@" >"$tmp/chromem.json"
echo "bleve…" >&2
"$tmp/peers" --peer bleve "$@" >"$tmp/bleve.json"
"$tmp/peers" compare "$tmp/qabot.json" "$tmp/chromem.json" "$tmp/bleve.json"
if [ -n "${KEEP:-}" ]; then
	mkdir -p "$KEEP"
	cp "$tmp"/*.json "$KEEP"/
fi

#!/bin/sh
# scale.sh DIR [FACTORS]: builds corpora of 1×, 3× and 10× DIR (or the
# factors given, e.g. "1 3 10") with cmd/scale (copies with distinct titles
# and shuffled articles, generated in a temporary folder, not committed) and
# measures each: qabot bench and bleve (as compare.sh does), qabot index
# from nothing, a cold qabot ask, and what serve holds (cmd/scale
# serve-rss). Prints one CSV line per corpus; draw it with
# go run ./cmd/scale plot --csv FILE --out ../docs/scale.png.
set -eu
if [ $# -lt 1 ]; then
	echo "usage: bench/scale.sh DIR [FACTORS]" >&2
	exit 2
fi
docs=$(cd "$1" && pwd)
factors=${2:-"1 3 10"}
here=$(cd "$(dirname "$0")" && pwd)
tmp=${SCALE_TMP:-$(mktemp -d)}
trap 'rm -rf "$tmp"' EXIT
(cd "$here/.." && go build -o "$tmp/qabot" ./cmd/qabot)
(cd "$here" && go build -o "$tmp/peers" ./cmd/peers && go build -o "$tmp/scale" ./cmd/scale)
q="劳动合同的试用期最长可以约定多久？"
echo "factor,clauses,qabot_index_s,qabot_index_rss_mb,qabot_open_s,qabot_ask_s,qabot_ask_rss_mb,serve_rss_mb,qabot_hybrid_p50,qabot_hybrid_p95,qabot_lexical_p50,qabot_dense_p50,bleve_index_s,bleve_open_s,bleve_rss_mb,bleve_p50,bleve_p95"
for f in $factors; do
	corpus="$tmp/corpus-$f"
	data="$tmp/data-$f"
	"$tmp/scale" gen --docs "$docs" --out "$corpus" --times "$f"
	echo "corpus ${f}×: qabot bench…" >&2
	"$tmp/qabot" bench --json --docs "$corpus" >"$tmp/qabot-$f.json"
	echo "corpus ${f}×: bleve…" >&2
	"$tmp/peers" --peer bleve --docs "$corpus" >"$tmp/bleve-$f.json"
	echo "corpus ${f}×: qabot index, ask, serve…" >&2
	/usr/bin/time -f "%e %M" -o "$tmp/index-$f.time" "$tmp/qabot" index --data "$data" --docs "$corpus" --no-seeds >/dev/null
	best=""
	for i in 1 2 3; do
		/usr/bin/time -f "%e %M" -o "$tmp/ask-$f.time" "$tmp/qabot" ask --data "$data" --docs "$corpus" --no-seeds "$q" >/dev/null
		t=$(cut -d' ' -f1 "$tmp/ask-$f.time")
		if [ -z "$best" ] || [ "$(echo "$t < $(echo "$best" | cut -d' ' -f1)" | bc)" = 1 ]; then
			best=$(cat "$tmp/ask-$f.time")
		fi
	done
	"$tmp/scale" serve-rss --data "$data" --docs "$corpus" >"$tmp/serve-$f.json"
	"$tmp/scale" row --factor "$f" --qabot "$tmp/qabot-$f.json" --bleve "$tmp/bleve-$f.json" \
		--index "$(cat "$tmp/index-$f.time")" --ask "$best" --serve "$tmp/serve-$f.json"
	rm -rf "$corpus" "$data"
done

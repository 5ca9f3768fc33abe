#!/usr/bin/env bash
# Feed throughput against the portal's own static-file route serving the same
# bytes (the feed's body copied into an override theme's static folder), both
# from the same binary in the same run, with the same load (wrk -t2 -c50 -d10s).
# The issue's target: feeds served from the cache reach >= 80% of the static route.
# Needs Debian's wrk (apt-get install -y wrk).
# Usage: bench/feeds.sh [PATH ...]   (default: an agency feed, the site feed, a dataset feed)
set -euo pipefail
cd "$(dirname "$0")/.."
paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=(/so-tai-chinh/feed.atom /feed.atom /so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen/feed.rss)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
CGO_ENABLED=0 go build -o "$work/congkhai" ./cmd/congkhai

wait_ready() { for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && return; sleep 0.05; done; echo "not ready" >&2; exit 1; }

# First run: take each feed's bytes into an override theme.
"$work/congkhai" serve --addr 127.0.0.1:18090 --data "$work/data1" --log-level warn 2>"$work/log1" &
pid=$!
wait_ready 18090
mkdir -p "$work/theme/static"
i=0
for p in "${paths[@]}"; do
  curl -sf "http://127.0.0.1:18090$p" -o "$work/theme/static/copy$i.css"
  i=$((i+1))
done
kill $pid; wait $pid 2>/dev/null || true

"$work/congkhai" serve --addr 127.0.0.1:18091 --data "$work/data2" --theme "$work/theme" --log-level warn 2>"$work/log2" &
wait_ready 18091

printf '| feed | bytes | feed req/s | static req/s (same bytes) | ratio |\n|---|---|---|---|---|\n'
i=0
for p in "${paths[@]}"; do
  f="$work/theme/static/copy$i.css"
  hash=$(sha256sum "$f" | cut -c1-10)
  static="/static/copy$i.$hash.css"
  curl -sf "http://127.0.0.1:18091$static" -o /dev/null || { echo "static copy not served: $static" >&2; exit 1; }
  curl -sf "http://127.0.0.1:18091$p" -o /dev/null # render once: the benchmark is of the cache
  bytes=$(stat -c %s "$f")
  ours=$(wrk -t2 -c50 -d10s "http://127.0.0.1:18091$p" | awk '/Requests\/sec/ {print $2}')
  theirs=$(wrk -t2 -c50 -d10s "http://127.0.0.1:18091$static" | awk '/Requests\/sec/ {print $2}')
  ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", a/b }')
  echo "| $p | $bytes | $ours | $theirs | $ratio |"
  i=$((i+1))
done

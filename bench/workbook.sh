#!/usr/bin/env bash
# Figures of a workbook as agencies publish them: a 50,000-row, 5-sheet XLSX
# (bench/workbookgen) against the same rows as five CSV files.
#  - import: `congkhai check` of each site (the whole load: the workbook read and
#    its rows kept, or the CSV files scanned), wall time and peak RSS (GNU time),
#    3 runs each, alternated;
#  - a page of the workbook's first table (rows 51–100) served by the portal
#    against nginx serving the same bytes (wrk -t2 -c50 -d10s each).
# Needs Debian's wrk and nginx-light.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; nginx -p "$work" -c "$work/nginx.conf" -s stop 2>/dev/null; rm -rf "$work"' EXIT
CGO_ENABLED=0 go build -o "$work/congkhai" ./cmd/congkhai
go run ./bench/workbookgen -out "$work"
printf '| run | XLSX: s, peak RSS MB | CSV: s, peak RSS MB |\n|---|---|---|\n'
for i in 1 2 3; do
  row="| $i"
  for kind in xlsx csv; do
    m=$(/usr/bin/time -f '%e %M' "$work/congkhai" check "$work/$kind" 2>&1 >/dev/null | tail -1)
    row="$row | $(awk '{printf "%.2f s, %.0f MB", $1, $2/1024}' <<<"$m")"
  done
  echo "$row |"
done

"$work/congkhai" serve --addr 127.0.0.1:18090 --content "$work/xlsx" --data "$work/data" --log-level warn 2>"$work/log" &
# The search index takes the 50,000 rows first: measure once it has.
for _ in $(seq 1 1200); do curl -sf http://127.0.0.1:18090/healthz 2>/dev/null | grep -q '"synced":true' && break; sleep 0.1; done
p='/so-tai-nguyen-moi-truong/bang-gia-dat-50000?bang=xa-1&trang=2'
mkdir -p "$work/www"
curl -sf "http://127.0.0.1:18090$p" -o "$work/www/page.html"
cat > "$work/nginx.conf" <<NGINX
worker_processes 2;
error_log $work/nginx-error.log;
pid $work/nginx.pid;
events { worker_connections 1024; }
http { access_log off; default_type text/html; server { listen 127.0.0.1:18091; root $work/www; } }
NGINX
nginx -p "$work" -c "$work/nginx.conf"
ours=$(wrk -t2 -c50 -d10s "http://127.0.0.1:18090$p" | awk '/Requests\/sec/ {print $2}')
theirs=$(wrk -t2 -c50 -d10s "http://127.0.0.1:18091/page.html" | awk '/Requests\/sec/ {print $2}')
printf '\n| page | bytes | congkhai req/s | nginx req/s | ratio |\n|---|---|---|---|---|\n'
echo "| $p | $(stat -c %s "$work/www/page.html") | $ours | $theirs | $(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", a/b }') |"

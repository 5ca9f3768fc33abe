#!/usr/bin/env bash
# Page throughput of the real binary against nginx serving the same page's bytes as
# a static file, measured in the same run with the same load (wrk -t2 -c50 -d10s),
# plus start-to-ready time on the demo content.
# Needs Debian's wrk and nginx-light (apt-get install -y wrk nginx-light).
# Usage: bench/pages.sh [PATH ...]   (default: a notice page and the home page)
set -euo pipefail
cd "$(dirname "$0")/.."
paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=(/ubnd-tinh/cong-van-6733-ubnd-kstt /)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; nginx -p "$work" -c "$work/nginx.conf" -s stop 2>/dev/null; rm -rf "$work"' EXIT

CGO_ENABLED=0 go build -o "$work/congkhai" ./cmd/congkhai
"$work/congkhai" serve --addr 127.0.0.1:18080 --data "$work/data" --log-level warn 2>"$work/log" &
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:18080/healthz >/dev/null && break; sleep 0.05; done

# Start-to-ready: process start until /healthz answers, 10 runs.
ready=()
for i in $(seq 1 10); do
  t0=$(date +%s%N)
  "$work/congkhai" serve --addr 127.0.0.1:18081 --data "$work/data2" --log-level warn 2>/dev/null &
  pid=$!
  until curl -sf http://127.0.0.1:18081/healthz >/dev/null; do sleep 0.005; done
  t1=$(date +%s%N)
  kill $pid; wait $pid 2>/dev/null || true
  ready+=($(( (t1 - t0) / 1000000 )))
done
echo "start-to-ready (ms, 10 runs): ${ready[*]}"

mkdir -p "$work/www"
cat > "$work/nginx.conf" <<NGINX
worker_processes 2;
error_log $work/nginx-error.log;
pid $work/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  server { listen 127.0.0.1:18082; root $work/www; location / { try_files \$uri \$uri/index.html =404; } }
}
NGINX
nginx -p "$work" -c "$work/nginx.conf"

printf '\n| page | bytes | congkhai req/s | nginx static req/s | ratio |\n|---|---|---|---|---|\n'
for p in "${paths[@]}"; do
  f="$work/www${p%/}/index.html"
  mkdir -p "$(dirname "$f")"
  curl -sf "http://127.0.0.1:18080$p" -o "$f"
  bytes=$(stat -c %s "$f")
  ours=$(wrk -t2 -c50 -d10s "http://127.0.0.1:18080$p" | awk '/Requests\/sec/ {print $2}')
  theirs=$(wrk -t2 -c50 -d10s "http://127.0.0.1:18082${p%/}/" | awk '/Requests\/sec/ {print $2}')
  ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", a/b }')
  echo "| $p | $bytes | $ours | $theirs | $ratio |"
done

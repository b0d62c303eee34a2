#!/usr/bin/env bash
# The cost of --metrics-names both against one naming scheme: /metrics size (bytes, series) and the process's RSS,
# for ork run --sandbox with every sample's Katalog (7 operators) and every sample's cr.yaml applied with kubectl, after
# it settled.
# Usage: bench/metrics-names.sh [ORK_BINARY]   (default: the Release JIT build, .build/bin/Orkestra.Host/release/ork)
set -euo pipefail
cd "$(dirname "$0")/.."
ork=${1:-.build/bin/Orkestra.Host/release/ork}
katalogs=()
for k in samples/*/katalog.yaml; do katalogs+=(-k "$k"); done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%-20s %10s %8s %8s\n' names bytes series rss_kib
for names in both orkestra controller-runtime; do
  port=$(( 20000 + RANDOM % 20000 ))
  (cd "$work" && exec "$OLDPWD/$ork" run "${katalogs[@]/#samples/$OLDPWD/samples}" --sandbox --port "$port" --leader-elect=false \
    --log-level warn --metrics-names "$names" > "$work/$names.log" 2>&1) &
  pid=$!
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/readyz" > /dev/null 2>&1 && break; sleep 0.1; done
  for cr in samples/*/cr.yaml; do KUBECONFIG="$work/.ork/sandbox.kubeconfig" kubectl apply -f "$cr" > /dev/null; done
  sleep 10   # the samples' CRs reconcile, the idle trim runs
  curl -sf "http://127.0.0.1:$port/metrics" > "$work/$names.txt"
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  printf '%-20s %10s %8s %8s\n' "$names" "$(wc -c < "$work/$names.txt")" "$(grep -vc '^#' "$work/$names.txt")" "$rss"
  kill -TERM "$pid"; wait "$pid" || true
done

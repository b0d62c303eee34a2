#!/usr/bin/env bash
# Start-up with a Komposer of N Katalogs imported from a local registry: the time and peak RSS of resolving it
# (pull → merge → validate → compile, what `ork run` does before it starts anything; `ork validate` runs exactly that),
# with a cold cache (every manifest and blob fetched), a warm cache (the tags asked, every blob from the cache) and
# --offline (nothing asked: tags from the cache's last resolution).
#
# Usage: bench/komposer-startup.sh [ORK_BINARY (default artifacts/ork)] [N (default 15)] [RUNS (default 5)]
# Needs docker-registry (Debian's CNCF distribution registry) and GNU time. Plain HTTP on loopback, no auth.
set -euo pipefail

ork=$(realpath "${1:-artifacts/ork}")
n=${2:-15}
runs=${3:-5}
command -v docker-registry >/dev/null || { echo "docker-registry is not installed (apt-get install docker-registry)"; exit 2; }
[ -x "$ork" ] || { echo "no ork binary at $ork (./build.sh publish)"; exit 2; }

work=$(mktemp -d /tmp/ork-komposer-bench.XXXXXX)
registry_pid=""
cleanup() { [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/registry.yml" <<EOF
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/storage}}
http: {addr: 127.0.0.1:$port}
EOF
docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "http://127.0.0.1:$port/v2/" >/dev/null || { cat "$work/registry.log"; echo "the registry did not start"; exit 1; }

export XDG_CACHE_HOME="$work/push-cache" HOME="$work"
{
  printf 'apiVersion: orkestra.orkspace.io/v1\nkind: Komposer\nmetadata:\n  name: bench-platform\nimports:\n  registry:\n'
} > "$work/komposer.yaml"
for i in $(seq 1 "$n"); do
  dir="$work/src/k$i"; mkdir -p "$dir"
  cat > "$dir/crd.yaml" <<EOF
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: apps$i.bench.example.com}
spec:
  group: bench.example.com
  names: {kind: App$i, plural: apps$i}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
EOF
  cat > "$dir/katalog.yaml" <<EOF
apiVersion: orkestra.orkspace.io/v1
kind: Katalog
metadata: {name: bench-$i, version: 1.0.0}
spec:
  crds:
    app$i:
      crdFile: crd.yaml
      operatorBox:
        onCreate:
          deployments:
            - name: "{{ .metadata.name }}"
              image: "{{ .spec.image | default \"nginx:1.27\" }}"
              replicas: "{{ .spec.replicas | default 1 }}"
              reconcile: true
          services:
            - name: "{{ .metadata.name }}"
              port: 80
              targetPort: 8080
              reconcile: true
          configMaps:
            - name: "{{ .metadata.name }}-config"
              data: {tier: "{{ .spec.tier | default \"web\" }}"}
        status:
          fields:
            - {path: replicas, value: "{{ .spec.replicas | default 1 }}"}
EOF
  "$ork" push "$dir" "127.0.0.1:$port/bench/katalog-$i:v1" >/dev/null
  printf '    - 127.0.0.1:%s/bench/katalog-%s:v1\n' "$port" "$i" >> "$work/komposer.yaml"
done

# One measurement: wall seconds and peak RSS (KiB) of `ork validate -k komposer.yaml` with the given cache.
measure() {
  local cache=$1; shift
  XDG_CACHE_HOME="$cache" /usr/bin/time -f '%e %M' -o "$work/time" "$ork" validate -k "$work/komposer.yaml" "$@" \
    > "$work/out" 2>&1 || { cat "$work/out"; echo "ork validate failed"; exit 1; }
  cat "$work/time"
}

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

for mode in cold warm offline; do : > "$work/$mode"; done
for r in $(seq 1 "$runs"); do
  cache="$work/cache-$r"
  measure "$cache" >> "$work/cold"
  measure "$cache" >> "$work/warm"
  measure "$cache" --offline >> "$work/offline"
done
grep -q "Katalog bench-platform is valid" "$work/out" || { cat "$work/out"; exit 1; }

echo "Komposer of $n Katalogs from a local registry (127.0.0.1, plain HTTP), ork validate, median of $runs runs:"
printf '%-8s %10s %14s\n' cache seconds "peak RSS MiB"
for mode in cold warm offline; do
  s=$(awk '{print $1}' "$work/$mode" | median)
  m=$(awk '{print $2}' "$work/$mode" | median)
  printf '%-8s %10s %14s\n' "$mode" "$s" "$(awk -v k="$m" 'BEGIN {printf "%.1f", k / 1024}')"
done

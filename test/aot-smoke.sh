#!/usr/bin/env bash
# AOT smoke test: the Native-AOT `ork` must behave exactly like the JIT build the unit tests exercise.
# Validates every sample and replays every golden `ork render` case (test/Orkestra.Host.Tests/Golden) with
# the published binary, comparing stdout byte for byte. Usage: test/aot-smoke.sh artifacts/ork
set -uo pipefail
cd "$(dirname "$0")/.."
ork=$(realpath "${1:-artifacts/ork}")
golden=test/Orkestra.Host.Tests/Golden
failures=0
for katalog in samples/*/katalog.yaml; do
  if ! "$ork" validate -k "$katalog" > /dev/null 2> .build/aot-smoke.err; then
    echo "aot-smoke: ork validate failed for $katalog:"; cat .build/aot-smoke.err; failures=$((failures + 1))
  fi
done
while IFS='|' read -r name args; do
  name=$(echo "$name" | xargs)
  [ -z "$name" ] && continue
  case "$name" in \#*) continue ;; esac
  # shellcheck disable=SC2086
  "$ork" render $args > .build/aot-smoke.out 2> .build/aot-smoke.err
  if ! cmp -s .build/aot-smoke.out "$golden/$name.yaml"; then
    echo "aot-smoke: ork render output differs from $golden/$name.yaml"; diff .build/aot-smoke.out "$golden/$name.yaml" | head -20
    failures=$((failures + 1))
  fi
done < "$golden/cases.txt"
if [ "$failures" -gt 0 ]; then echo "aot-smoke: $failures failure(s)"; exit 1; fi
echo "aot-smoke: the AOT binary validates every sample and renders every golden case identically"

#!/usr/bin/env bash
# orkestra-aot build entry point. Usage: ./build.sh [build|test|publish|bench|render|run] [args...]
#   build            compile the solution (Release)
#   test [filter]    run every test project; prints "N passed, N failed[, N skipped]"; non-zero on failure
#   report [--exit-code N] [--check NAME=passed|failed ...]   that line again for the last test run, with extra results
#   publish          Native AOT `ork` for linux-x64 at artifacts/ork (trim/AOT warnings from our code are errors)
#   bench [suite]    benchmarks: micro | footprint | gate | webhooks | capacity (see bench/README.md, docs/benchmarks.md)
#   render SAMPLE    print what a sample operator would create for the sample's CR (ork render)
#   run SAMPLE       run a sample's operator on the embedded sandbox API server (ork run --sandbox)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
CONFIG=${CONFIG:-Release}
cmd=${1:-build}; shift || true

# The one place that counts test results (.ci/TestReport): prints "N passed, N failed[, N skipped]", exits non-zero
# on any failure. Arguments: RESULTS_DIR, then --exit-code N / --check NAME=passed|failed.
report() {
  local dir=$1; shift
  dotnet run --project .ci/TestReport -c "$CONFIG" -v:q -- "$dir" "$(find test -name '*.Tests.csproj' | wc -l)" "$@"
}

case "$cmd" in
  build)
    dotnet build orkestra-aot.sln -c "$CONFIG" -nologo -v:q "$@"
    ;;
  test)
    results="$ROOT/.build/test-results"
    rm -rf "$results"; mkdir -p "$results"
    filter=()
    if [ $# -gt 0 ]; then filter=(--filter "$1"); shift; fi
    dotnet build orkestra-aot.sln -c "$CONFIG" -nologo -v:q || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
    set +e
    dotnet test orkestra-aot.sln -c "$CONFIG" --no-build -nologo \
      --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" "${filter[@]}" "$@"
    rc=$?
    set -e
    report "$results" --exit-code "$rc"
    ;;
  report)
    # The summary line of the last `test` run again, with extra results (CI: --check gate=passed).
    report "$ROOT/.build/test-results" "$@"
    ;;
  publish)
    mkdir -p artifacts
    log="$ROOT/.build/publish.log"; mkdir -p "$ROOT/.build"
    # The AOT compiler itself crashed once here (IndexOutOfRangeException inside ILCompiler's scanner, 2026-11-30),
    # and passed on the next run: a crash of the compiler (its own stack trace in the log), not a finding about our
    # code, gets one more try. Errors and warnings about our code never do.
    for attempt in 1 2; do
      status=0   # set -e with pipefail would end the script at a failing publish; the status is kept instead
      dotnet publish runtime/Orkestra.Host/Orkestra.Host.csproj -c Release -r linux-x64 -nologo \
        -o "$ROOT/.build/publish/ork" "$@" 2>&1 | tee "$log" || status=$?
      [ "$status" -ne 0 ] && [ "$attempt" -eq 1 ] && grep -q '   at ILCompiler\.' "$log" || break
      echo "the AOT compiler crashed (see above); publishing once more"
    done
    [ "$status" -eq 0 ] || { echo "publish failed"; exit "$status"; }
    # Our own assemblies must produce no trim/AOT warnings; third-party ones are listed in docs/aot.md.
    ours=$(grep -E 'warning IL[0-9]+' "$log" | grep -E '/(runtime|templating)/' | grep -v '/.nuget/' || true)
    if [ -n "$ours" ]; then echo "trim/AOT warnings from our code:"; echo "$ours"; exit 1; fi
    cp "$ROOT/.build/publish/ork/ork" artifacts/ork
    ls -la artifacts/ork
    ;;
  bench)
    suite=${1:-micro}; shift || true
    case "$suite" in
      micro) dotnet run -c Release --project bench/Orkestra.Benchmarks -- --filter '*' "$@" ;;
      footprint|gate|webhooks)
        # The harness records this exact command with its results.
        ORK_BENCH_COMMAND="./build.sh bench $suite${*:+ $*}" dotnet run -c Release --project bench/Orkestra.Footprint -- "$suite" "$@" ;;
      capacity) dotnet run -c Release --project bench/Orkestra.Benchmarks -- capacity "$@" ;;
      *) echo "unknown bench suite: $suite (micro|footprint|gate|webhooks|capacity)"; exit 2 ;;
    esac
    ;;
  render)
    sample=${1:?usage: ./build.sh render samples/NAME}; shift || true
    dotnet run -c "$CONFIG" --project runtime/Orkestra.Host -v:q -- render -k "$sample/katalog.yaml" --cr "$sample/cr.yaml" "$@"
    ;;
  run)
    sample=${1:?usage: ./build.sh run samples/NAME}; shift || true
    dotnet run -c "$CONFIG" --project runtime/Orkestra.Host -v:q -- run -k "$sample/katalog.yaml" --sandbox "$@"
    ;;
  *)
    echo "unknown command: $cmd (build|test|report|publish|bench|render|run)"; exit 2 ;;
esac

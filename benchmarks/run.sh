#!/usr/bin/env bash
# Builds the JMH benchmarks and runs them: ours, Resilience4j and Failsafe side by side, then prints one table.
#
#   benchmarks/run.sh                 full run: 3 forks x (5 warm-up + 5 measured) 1-second iterations (~28 min)
#   benchmarks/run.sh --quick         1 fork x (2 warm-up + 3 measured) 1-second iterations (~5.5 min on 2 cores)
#   benchmarks/run.sh --json out.json keep the JMH result (default: a temporary file, removed afterwards)
#   benchmarks/run.sh --no-build      use the benchmarks.jar already built
#   benchmarks/run.sh --diagnostics   also run the building-block costs (System.nanoTime, a CAS, ...)
#   benchmarks/run.sh -- ARGS...      extra JMH arguments, e.g. a benchmark regex: -- 'CircuitBreaker.*'
#
# Any other argument is passed to JMH as is (e.g. 'Composed' to run one scenario).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$here/target/benchmarks.jar"

mode=full
build=1
diagnostics=0
json=""
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) mode=quick ;;
        --no-build) build=0 ;;
        --diagnostics) diagnostics=1 ;;
        --json) json="$2"; shift ;;
        --) shift; extra+=("$@"); break ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) extra+=("$1") ;;
    esac
    shift
done

if [ "$mode" = quick ]; then
    counts=(-f 1 -wi 2 -w 1s -i 3 -r 1s)
else
    counts=(-f 3 -wi 5 -w 1s -i 5 -r 1s)
fi

if [ "$build" = 1 ]; then
    echo "== building (./mvnw -q -B -pl benchmarks -am package -DskipTests)"
    (cd "$root" && ./mvnw -q -B -pl benchmarks -am package -DskipTests)
fi
[ -f "$jar" ] || { echo "no $jar: build it first (drop --no-build)" >&2; exit 1; }

keep_json=1
if [ -z "$json" ]; then
    json="$(mktemp -t resilience-benchmarks.XXXXXX.json)"
    keep_json=0
    trap 'rm -f "$json"' EXIT
fi

version() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$root/pom.xml" | head -1; }
echo "== machine: $(nproc) cores, $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//')"
echo "== JDK: $(java -version 2>&1 | head -2 | tail -1)"
echo "== versions: resilience $(sed -n 's:^    <version>\(.*\)</version>:\1:p' "$root/pom.xml" | head -1)," \
    "Resilience4j $(version resilience4j.version), Failsafe $(version failsafe.version)," \
    "Spring Boot $(version spring-boot.version), JMH $(version jmh.version)"
echo "== mode: $mode (${counts[*]} -prof gc)"

exclude=()
if [ "$diagnostics" = 0 ]; then
    exclude=(-e '\.diagnostics\.')
fi
java -jar "$jar" "${counts[@]}" "${exclude[@]}" -prof gc -rf json -rff "$json" "${extra[@]}"

echo
echo "== results ($mode run)"
python3 "$here/report.py" "$json"
if [ "$keep_json" = 1 ]; then
    echo "JMH result kept in $json"
fi

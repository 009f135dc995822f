#!/usr/bin/env bash
# Seconds per outer iteration of omniglot 5-way 1-shot at meta-batch 32, on the local executor and on a standalone
# Spark cluster of single-core workers on this machine, interleaved by round (docs/DISTRIBUTED.md).
#
#   bench/spark-scaling.sh [ROUNDS] [ITERATIONS] [WORKERS]     # defaults 3, 12, 2
#
# Each run's first 2 iterations are warm-up (the first records the compiled regions, executors start); the median of
# the others is reported with Spark's own counts (driver time per iteration, executor time, bytes each way).
# SPARK_SCALING_OPTS adds JVM options to every run; SPARK_SCALING_VARIANTS picks the variants (default: local-2-threads
# cluster-1-thread cluster-2-threads; also cluster-1-thread-2g, whose executors get 2 GB of heap, the workers' all,
# against Spark's default of 1 GB).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-3}"; iterations="${2:-12}"; workers="${3:-2}"
out="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
export BILEVEL_SPARK_CLUSTER="$out/cluster"
"$here/scripts/spark-local-cluster.sh" start "$workers" "$port" >/dev/null
trap '"$here/scripts/spark-local-cluster.sh" stop >/dev/null' EXIT
sleep 5
common=(run omniglot --set meta_batch=32 --set T=5 --set iterations="$iterations" --set validate_every=1000000
  --set test_episodes=1 --progress none)
median() { # history.csv -> median seconds of iterations after the warm-up
  awk -F, 'NR > 3 { print $5 }' "$1" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'
}
printf '%-6s %-34s %10s  %s\n' round variant "s/iter" "spark counts"
for r in $(seq 1 "$rounds"); do
  for variant in ${SPARK_SCALING_VARIANTS:-local-2-threads cluster-1-thread cluster-2-threads}; do
    dir="$out/$variant-$r"
    extra=""
    case "$variant" in
      local-2-threads) args=(--threads 2) ;;
      cluster-1-thread) args=(--threads 1 --executor spark --master "spark://127.0.0.1:$port") ;;
      cluster-2-threads) args=(--threads 2 --executor spark --master "spark://127.0.0.1:$port") ;;
      cluster-1-thread-2g) args=(--threads 1 --executor spark --master "spark://127.0.0.1:$port")
        extra="-Dspark.executor.memory=2g" ;;
      *) echo "spark-scaling: unknown variant '$variant'" >&2; exit 2 ;;
    esac
    BILEVEL_JAVA_OPTS="-Dspark.driver.host=127.0.0.1 -Dorg.slf4j.simpleLogger.log.io.github.bilevel.spark=info \
$extra ${SPARK_SCALING_OPTS:-}" \
      "$here/bilevel" "${common[@]}" "${args[@]}" --out "$dir" >"$dir.log" 2>&1
    printf '%-6s %-34s %10s  %s\n' "$r" "$variant" "$(median "$dir/history.csv")" \
      "$(grep -o 'outer iterations.*' "$dir.log" || true)"
  done
done

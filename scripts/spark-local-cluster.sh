#!/usr/bin/env bash
# A Spark standalone cluster on this machine, for trying `bilevel run ... --executor spark --master spark://...`
# without a Spark distribution: a Spark home whose jars/ are the Maven-resolved Spark jars (bilevel-spark/target/lib
# in a checkout, lib/spark in the distribution, which has this script as bin/spark-local-cluster.sh), one master and
# N single-core workers.
#
#   scripts/spark-local-cluster.sh start [WORKERS] [PORT]   # default 2 workers, port 7077; prints the master URL
#   scripts/spark-local-cluster.sh stop                     # stops the master, the workers and their executors
#
# State (Spark home, logs, pids, the workers' folders) lives in ${BILEVEL_SPARK_CLUSTER:-/tmp/bilevel-spark-cluster}.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
state="${BILEVEL_SPARK_CLUSTER:-${TMPDIR:-/tmp}/bilevel-spark-cluster}"
jars=""
for d in "$here/lib/spark" "$here/bilevel-spark/target/lib"; do
  if [ -d "$d" ]; then jars="$d"; break; fi
done
opens=""
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
    java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  opens="$opens --add-opens=java.base/$p=ALL-UNNAMED"
done
opens="$opens -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true"

launch() { # name main-class args...
  local name="$1"; shift
  SPARK_HOME="$state/home" SPARK_LOCAL_IP=127.0.0.1 SPARK_SCALA_VERSION=2.13 \
    nohup java -Xmx512m $opens -cp "$state/home/jars/*" "$@" >"$state/$name.log" 2>&1 &
  echo $! >"$state/$name.pid"
}

case "${1:-}" in
  start)
    workers="${2:-2}"; port="${3:-7077}"
    if [ -z "$jars" ]; then echo "spark-local-cluster: build first: ./mvnw -DskipTests package" >&2; exit 2; fi
    if ls "$state"/*.pid >/dev/null 2>&1; then echo "spark-local-cluster: already started ($state); stop it first" >&2; exit 2; fi
    mkdir -p "$state/home/jars"
    rm -f "$state/home/jars/"*.jar
    ln -s "$jars"/*.jar "$state/home/jars/"
    launch master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port 0
    for i in $(seq 1 "$workers"); do
      mkdir -p "$state/worker-$i"
      launch "worker-$i" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory 2g \
        --work-dir "$state/worker-$i" --webui-port 0 "spark://127.0.0.1:$port"
    done
    echo "spark://127.0.0.1:$port ($workers workers; logs in $state)"
    ;;
  stop)
    for f in "$state"/*.pid; do
      [ -e "$f" ] || continue
      pid="$(cat "$f")"
      # a worker's executors are its children; stop them with it
      for child in $(pgrep -P "$pid" 2>/dev/null || true); do kill "$child" 2>/dev/null || true; done
      kill "$pid" 2>/dev/null || true
      rm -f "$f"
    done
    echo "stopped"
    ;;
  *)
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac

#!/usr/bin/env bash
# GPU check: the backend conformance suites (`bilevel check`) and the hypergradient, meta-learning and horizon
# benchmarks (`bilevel bench`, W1, W2 and W5) of both backends on their CUDA builds, in under 5 minutes.
#
# Build beforehand, on a machine that reaches Maven Central (the GPU natives are large: bilevel-cli/target/lib holds
# about 1.2 GB, TensorFlow's CUDA build 0.53 GB and ND4J's 0.60 GB of it):
#     ./mvnw -Pgpu -DskipTests package
#     ./mvnw -o -Pgpu -DskipTests package         (later rebuilds, offline, from the local Maven repository)
# ND4J's CUDA build loads CUDA 11.6's libraries; a host without them can take them from a 1.8 GB jar with
# -Pgpu,cuda-redist. Then run this script from the repository root of the GPU machine, with the built tree (the
# bilevel-cli/target folder included) copied there. It needs no network and no Maven, only java 17+ on the PATH,
# nvidia-smi and coreutils' timeout:
#     bench/gpu-check.sh
#
# What the natives need from the host (printed under "CUDA libraries" below):
#   - TensorFlow Java 1.1.0 (TensorFlow 2.18; machine code for sm_60 to sm_90 and PTX for compute_90): a driver for
#     CUDA 12 or later and CUDA 12's and cuDNN 9's libraries (libcudart.so.12, libcublas.so.12, libcudnn.so.9, ...) on the
#     loader path. Without them it warns "Cannot dlopen some GPU libraries" and runs on the CPU, and the GPU memory
#     column of the summary stays at +0.
#   - ND4J 1.0.0-M2.1 (nd4j-cuda-11.6): CUDA 11's libcudart.so.11.0, libcublas.so.11 and libcusolver.so.11, and a GPU
#     of compute capability 3.7 to 8.9. Its kernels are machine code for sm_37 to sm_86 with no PTX, so they cannot run on Hopper (H100, H200)
#     or later GPUs: expect "no kernel image is available for execution on the device" there.
# The first run on a machine also unpacks about 2 GB of native libraries into ~/.javacpp/cache, inside the check
# steps' time.
#
# Steps, in this order, each capped with `timeout` (seconds; the variables override the defaults), and all of them
# together cut off at TOTAL_LIMIT (default 285) seconds after the start:
#   1. nvidia-smi's GPU name, driver and memory; the build and the CUDA libraries the loader finds
#   2. ./bilevel list                                                      LIST_LIMIT   (default 15)
#   3. ./bilevel check --backend tensorflow                                CHECK_LIMIT  (default 55)
#   4. ./bilevel check --backend nd4j                                      CHECK_LIMIT
#   5. ./bilevel bench hypergradient meta-learning horizon --backend tensorflow --repeats 3 --threads 0 \
#          --horizons 250,500,1000,2000,4000                               BENCH_LIMIT  (default 75)
#   6. the same bench on nd4j                                              BENCH_LIMIT
# A bench cut off by its limit keeps the lines it printed. While each step runs, nvidia-smi samples the GPU's memory
# and utilisation every 250 ms; a step that used the GPU shows memory above the idle level before it.
# REPEATS and HORIZONS change the bench options; GPU_INDEX (default 0) is the GPU that nvidia-smi reports.
#
# Output goes to the terminal and to $OUT/gpu-check.log ($OUT if set, else ./gpu-check-out), the summary table also
# to $OUT/summary.txt and the GPU samples to $OUT/gpu-samples.csv.
# Exit status: 0 when a GPU was found and every step passed, 1 otherwise, 2 when the GPU build is missing.
# ALLOW_CPU=1 runs the steps without a GPU or on the CPU build (a dry run of this script).
set -euo pipefail

TOTAL_LIMIT="${TOTAL_LIMIT:-285}"
LIST_LIMIT="${LIST_LIMIT:-15}"
CHECK_LIMIT="${CHECK_LIMIT:-55}"
BENCH_LIMIT="${BENCH_LIMIT:-75}"
REPEATS="${REPEATS:-3}"
HORIZONS="${HORIZONS:-250,500,1000,2000,4000}"
ALLOW_CPU="${ALLOW_CPU:-0}"
GPU_INDEX="${GPU_INDEX:-0}"   # the GPU nvidia-smi samples
GRACE=3   # seconds between timeout's TERM and KILL

cd "$(dirname "$0")/.."
started=$(date +%s)
deadline=$((started + TOTAL_LIMIT))

out_dir="${OUT:-./gpu-check-out}"
mkdir -p "$out_dir"
log="$out_dir/gpu-check.log"
summary="$out_dir/summary.txt"
samples="$out_dir/gpu-samples.csv"
: >"$log"
echo "step,gpu,utilization_percent,memory_used_mib" >"$samples"
work="$(mktemp -d)"
sampler_pid=""
cleanup() {
  if [ -n "$sampler_pid" ]; then kill "$sampler_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

say() { echo "$*" | tee -a "$log"; }

# TensorFlow takes nearly all GPU memory at its first session unless told to grow; growing keeps the memory column
# meaningful. TF_CPP_MIN_LOG_LEVEL stays at the launcher's 1, which still shows the warnings about CUDA libraries.
export TF_FORCE_GPU_ALLOW_GROWTH="${TF_FORCE_GPU_ALLOW_GROWTH:-true}"

# ---- 1. the machine, the build, the libraries -----------------------------------------------------------------------
say "== gpu-check $(date -u +%Y-%m-%dT%H:%M:%SZ), total limit ${TOTAL_LIMIT}s"
have_gpu=0
compute_cap=""
if command -v nvidia-smi >/dev/null 2>&1 && timeout 20 nvidia-smi -L >/dev/null 2>&1; then
  have_gpu=1
  gpu_name="$(nvidia-smi -i "$GPU_INDEX" --query-gpu=name --format=csv,noheader)"
  say "GPU: $gpu_name"
  nvidia-smi --query-gpu=index,name,driver_version,memory.total,memory.used --format=csv 2>&1 | tee -a "$log"
  say "$(nvidia-smi 2>/dev/null | grep -o 'CUDA Version: [0-9.]*' || true)"
  compute_cap="$(nvidia-smi -i "$GPU_INDEX" --query-gpu=compute_cap --format=csv,noheader 2>/dev/null || true)"
  [ -n "$compute_cap" ] && say "compute capability: $compute_cap"
else
  say "GPU: none found (nvidia-smi missing or no device)"
fi
say "java: $(java -version 2>&1 | head -1)"

lib=bilevel-cli/target/lib
if [ ! -d "$lib" ] || ! ls bilevel-cli/target/bilevel-cli-*.jar >/dev/null 2>&1; then
  say "not built: run ./mvnw -Pgpu -DskipTests package first (see the top of this script)"
  exit 2
fi
tf_native="$(ls "$lib" | grep '^tensorflow-core-native-.*linux-x86_64' || true)"
nd4j_native="$(ls "$lib" | grep -E '^nd4j-(native|cuda-[0-9.]+)-[0-9].*linux-x86_64' || true)"
say "natives: ${tf_native//$'\n'/ } ${nd4j_native//$'\n'/ }"
if ! grep -q 'gpu' <<<"$tf_native" || ! grep -q 'cuda' <<<"$nd4j_native"; then
  if [ "$ALLOW_CPU" = 1 ]; then
    say "this is the CPU build (ALLOW_CPU=1: going on)"
  else
    say "this is the CPU build: run ./mvnw -Pgpu -DskipTests package first (ALLOW_CPU=1 runs it anyway)"
    exit 2
  fi
fi
if [ "$have_gpu" = 0 ] && [ "$ALLOW_CPU" != 1 ]; then
  say "no GPU: nothing to check (ALLOW_CPU=1 runs the steps anyway)"
  exit 1
fi

# Where the loader finds each library: ldconfig's cache, then LD_LIBRARY_PATH.
find_lib() {
  local name=$1 dir
  if ldconfig -p 2>/dev/null | grep -q " $name "; then echo "$name"; return; fi
  IFS=: read -r -a dirs <<<"${LD_LIBRARY_PATH:-}"
  for dir in "${dirs[@]}"; do
    if [ -n "$dir" ] && [ -e "$dir/$name" ]; then echo "$name"; return; fi
  done
  echo "$name(MISSING)"
}
tf_libs=""
for l in libcuda.so.1 libcudart.so.12 libcublas.so.12 libcublasLt.so.12 libcufft.so.11 libcusolver.so.11 \
         libcusparse.so.12 libcudnn.so.9; do
  tf_libs="$tf_libs $(find_lib "$l")"
done
nd4j_libs=""
if ls "$lib" | grep -q '^cuda-.*-redist\.jar$'; then
  nd4j_libs=" (CUDA 11.6's libraries from the cuda redist jar)"
else
  for l in libcudart.so.11.0 libcublas.so.11 libcublasLt.so.11 libcusolver.so.11; do
    nd4j_libs="$nd4j_libs $(find_lib "$l")"
  done
fi
say "CUDA libraries for TensorFlow:$tf_libs"
say "CUDA libraries for ND4J:$nd4j_libs"
if [ -n "$compute_cap" ] && [ "${compute_cap%%.*}" -ge 9 ] 2>/dev/null; then
  say "note: ND4J 1.0.0-M2.1's CUDA kernels stop at sm_86 (no PTX); on compute capability $compute_cap its steps are expected to fail"
fi

# ---- steps ------------------------------------------------------------------------------------------------------------
failures=0
rows=()   # "step|status|seconds|gpu memory|gpu utilization|notes"

start_sampler() {  # step slug
  sampler_pid=""
  [ "$have_gpu" = 1 ] || return 0
  nvidia-smi -i "$GPU_INDEX" --query-gpu=index,utilization.gpu,memory.used --format=csv,noheader,nounits -lms 250 \
    >"$work/$1.smi" 2>/dev/null &
  sampler_pid=$!
}
stop_sampler() {
  if [ -n "$sampler_pid" ]; then
    kill "$sampler_pid" 2>/dev/null || true
    wait "$sampler_pid" 2>/dev/null || true
    sampler_pid=""
  fi
}

# GPU memory above the level before the step, and the highest utilisation: "+peak MiB|max %".
gpu_use() {  # slug baseline
  local f="$work/$1.smi"
  if [ "$have_gpu" != 1 ] || [ ! -s "$f" ]; then echo "n/a|n/a"; return; fi
  sed "s/^/$1,/; s/ //g" "$f" >>"$samples"
  awk -F', *' -v base="$2" '
    NF >= 3 { if ($3 - base > mem) mem = $3 - base; if ($2 > util) util = $2 }
    END { printf "+%d MiB|%d %%\n", mem, util }' "$f"
}

# What the output says about where the step ran.
notes_of() {  # output file
  local f=$1 n=()
  grep -q 'Cannot dlopen some GPU libraries' "$f" && n+=("TensorFlow: CUDA libraries missing, ran on the CPU")
  grep -q 'no kernel image is available' "$f" && n+=("ND4J: no kernels for this GPU")
  grep -q 'libraries missing' "$f" && n+=("a backend reports libraries missing")
  grep -q 'UnsatisfiedLinkError' "$f" &&
    n+=("$(grep -o 'UnsatisfiedLinkError: .*' "$f" | head -1 | sed 's|^UnsatisfiedLinkError: ||; s|^[^ ]*/||' | cut -c1-100)")
  grep -qE 'Backend used: \[CUDA\]' "$f" && n+=("ND4J on CUDA")
  grep -qE 'Backend used: \[CPU\]' "$f" && n+=("ND4J on the CPU")
  local cdev
  cdev="$(grep -oE 'CUDA device [0-9]+: \[[^]]*\]' "$f" | head -1 || true)"
  [ -n "$cdev" ] && n+=("$cdev")
  local IFS=';'
  echo "${n[*]:-}"
}

run_step() {  # name limit command...
  local name=$1 cap=$2
  shift 2
  local slug="${name// /-}"
  local now left limit rc status t0 t1 base use notes
  now=$(date +%s)
  left=$((deadline - now - GRACE))
  if [ "$left" -lt 5 ]; then
    say ""
    say "== $name: skipped, the ${TOTAL_LIMIT}s budget is spent"
    rows+=("$name|skipped|0|n/a|n/a|time budget spent")
    failures=$((failures + 1))
    return 0
  fi
  limit=$((cap < left ? cap : left))
  say ""
  say "== $name (limit ${limit}s): $*"
  base=0
  if [ "$have_gpu" = 1 ]; then
    base="$(nvidia-smi -i "$GPU_INDEX" --query-gpu=memory.used --format=csv,noheader,nounits | tr -d ' ')"
  fi
  start_sampler "$slug"
  t0=$(date +%s)
  set +e
  timeout -k "$GRACE" "$limit" "$@" </dev/null 2>&1 | tee "$work/$slug.out" | tee -a "$log"
  rc=${PIPESTATUS[0]}
  set -e
  t1=$(date +%s)
  stop_sampler
  case "$rc" in
    0) status=ok ;;
    124 | 137) status="timed out" ;;
    *) status="failed (exit $rc)" ;;
  esac
  local passed
  passed="$(grep -oE 'check: [0-9]+ passed, [0-9]+ failed' "$work/$slug.out" | tail -1 | sed 's/check: //' || true)"
  [ -n "$passed" ] && status="$status, $passed"
  [ "$rc" = 0 ] || failures=$((failures + 1))
  use="$(gpu_use "$slug" "$base")"
  notes="$(notes_of "$work/$slug.out")"
  rows+=("$name|$status|$((t1 - t0))|$use|$notes")
}

run_step "list" "$LIST_LIMIT" ./bilevel list
run_step "check tensorflow" "$CHECK_LIMIT" ./bilevel check --backend tensorflow
run_step "check nd4j" "$CHECK_LIMIT" ./bilevel check --backend nd4j
for backend in tensorflow nd4j; do
  run_step "bench $backend" "$BENCH_LIMIT" ./bilevel bench hypergradient meta-learning horizon --backend "$backend" \
    --repeats "$REPEATS" --threads 0 --horizons "$HORIZONS"
done

# ---- summary ----------------------------------------------------------------------------------------------------------
[ "$have_gpu" = 1 ] || failures=$((failures + 1))
{
  echo ""
  echo "== summary (${gpu_name:-no GPU}; $(($(date +%s) - started)) s in all)"
  printf '%-17s %-34s %6s  %-14s %-9s %s\n' step status seconds "GPU mem peak" "GPU util" notes
  for r in "${rows[@]}"; do
    IFS='|' read -r n s t m u x <<<"$r"
    printf '%-17s %-34s %6s  %-14s %-9s %s\n' "$n" "$s" "$t" "$m" "$u" "$x"
  done
  for backend in tensorflow nd4j; do
    f="$work/bench-$backend.out"
    echo ""
    echo "bench on $backend (median, min, max per line):"
    if [ -s "$f" ] && grep -qE '^W[0-9] ' "$f"; then
      grep -E '^W[0-9] ' "$f" | sed 's/^/  /'
    else
      echo "  (no measurements)"
    fi
  done
  echo ""
  if [ "$failures" = 0 ]; then echo "gpu-check: all steps passed"; else echo "gpu-check: $failures step(s) failed, timed out or were skipped"; fi
  echo "log: $log"
} | tee "$summary" | tee -a "$log"

[ "$failures" = 0 ]

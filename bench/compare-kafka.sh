#!/usr/bin/env bash
# compare-kafka.sh - interleaved Kelpie vs Apache Kafka 4.4 comparison, end to end.
#
# Per round, three runs of the shared baseline script (kafka-baseline.sh), each on a fresh broker
# and a fresh data directory:
#   kelpie-sync      Kelpie from the distribution, default durable log.flush.policy=sync (fsync before ack), with
#                    group.initial.rebalance.delay.ms=0 as kafka-baseline.sh configures Kafka
#   kafka            Apache Kafka 4.4.0, started by the baseline script, its default (page cache, no fsync)
#   kelpie-interval  Kelpie with log.flush.policy=interval (Kafka's durability: fsync left to the OS)
#   kelpie-journal   (only when named in MODES) Kelpie with the log dir journal forced on
#                    (kelpie.log.journal.enable=true; the default since the eighth comparison)
#   kelpie-nojournal (only when named in MODES) Kelpie with it off: one fsync per partition per group commit
#   kelpie-alt       (only when named in MODES) Kelpie with BENCH_KELPIE_ALT_OVERRIDES on top, to weigh a setting
#                    against the default in the same rounds
#   kelpie-alt2      (only when named in MODES) the same with BENCH_KELPIE_ALT2_OVERRIDES, a second variant
# Odd rounds run kelpie-sync, kafka, kelpie-interval; even rounds the reverse, so each Kelpie mode
# alternates order with Kafka (K,O / O,K / ...). Both brokers get the same heap and the same G1 flags
# (those kafka-baseline.sh gives Kafka). At the end it prints, per figure, the per-round ratio
# Kelpie/Kafka as median and min-max, for both Kelpie modes.
#
# Usage:
#   bench/compare-kafka.sh                      # 3 rounds, all knobs of kafka-baseline.sh pass through
#   ROUNDS=5 bench/compare-kafka.sh
#   MODES="kelpie-sync kafka" bench/compare-kafka.sh      # only the default-vs-default pair
#   BROKER_CPUS=1 CLIENT_CPUS=0 bench/compare-kafka.sh    # pinned: broker CPU s/GiB on a core of its own
#   bench/compare-kafka.sh --table DIR          # only recompute the table of an earlier OUT_DIR
#
# Knobs (environment): ROUNDS (3), MODES ("kelpie-sync kafka kelpie-interval"), BASELINE (path of
# kafka-baseline.sh; default ../shared/bench/kafka-baseline.sh next to the repository, or $KAFKA_BASELINE),
# OUT_DIR (default bench/target/compare-<time>), NOISE_MAX (0.2 cores), REDO_NOISY (1: a round whose
# noise exceeds NOISE_MAX is redone once), BENCH_KELPIE_OVERRIDES ("key=value ..." for every Kelpie run),
# BENCH_KELPIE_JVM_OPTS (more JVM flags for Kelpie, e.g. a JFR recording), BENCH_KELPIE_DIST (an unpacked
# distribution to measure instead of broker/target/kelpie-*; built with -pl broker -am when missing).
# The baseline script's EndToEndLatency commits offsets and its ConsumerPerformance subscribes with a
# group, so the broker under test needs the group coordinator (FindCoordinator, JoinGroup, OffsetCommit).
# (These knobs avoid the KELPIE_ prefix: bin/kelpie-server reads every KELPIE_* variable as a broker setting.)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
ROUNDS=${ROUNDS:-3}
MODES=${MODES:-"kelpie-sync kafka kelpie-interval"}
BASELINE=${BASELINE:-${KAFKA_BASELINE:-}}
if [ -z "$BASELINE" ]; then  # the shared bench/ folder next to the clone (or next to its worktree folder)
  for cand in "$repo/../shared/bench/kafka-baseline.sh" "$repo/../../shared/bench/kafka-baseline.sh"; do
    if [ -x "$cand" ]; then BASELINE=$cand; break; fi
  done
fi
[ -x "${BASELINE:-}" ] || { echo "kafka-baseline.sh not found; set BASELINE=path/to/kafka-baseline.sh" >&2; exit 2; }
OUT_DIR=${OUT_DIR:-$repo/bench/target/compare-$(date +%Y%m%d-%H%M%S)}
NOISE_MAX=${NOISE_MAX:-0.2}
REDO_NOISY=${REDO_NOISY:-1}
BENCH_KELPIE_OVERRIDES=${BENCH_KELPIE_OVERRIDES:-}
BENCH_KELPIE_ALT_OVERRIDES=${BENCH_KELPIE_ALT_OVERRIDES:-}
BENCH_KELPIE_ALT2_OVERRIDES=${BENCH_KELPIE_ALT2_OVERRIDES:-}
BENCH_KELPIE_JVM_OPTS=${BENCH_KELPIE_JVM_OPTS:-}
BROKER_HEAP=${BROKER_HEAP:-"-Xms1g -Xmx1g"}
export BROKER_HEAP
# kafka-baseline.sh starts Kafka with these flags; Kelpie gets the same ones.
SAME_JVM_OPTS="-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---------------------------------------------------------------- table
# Columns of kafka-baseline.sh's RESULTS_TSV rows (first column is its run number, always 1 here).
COLS="run acks1_rec_s acks1_MiB_s acks1_avg_ms acks1_p50 acks1_p99 acks1_p999 acksall_rec_s acksall_MiB_s acksall_avg_ms acksall_p50 acksall_p99 acksall_p999 rate_avg_ms rate_p50 rate_p99 rate_p999 e2e_avg_ms e2e_p50 e2e_p99 e2e_p999 cons_MiB_s cons_fetch_MiB_s cons_fetch_rec_s cpu_prod1_s cpu_prodall_s cpu_cons_s cli_prod1_s cli_prodall_s cli_cons_s oth_prod1_cores oth_prodall_cores oth_cons_cores rss_MiB peak_rss_MiB"

# table DIR: for each Kelpie mode, per-round ratios Kelpie/Kafka, median and min-max, plus medians.
table() {
  local dir=$1 mode gib
  gib=$(awk -v n="${NUM_RECORDS:-2000000}" -v s="${RECORD_SIZE:-1024}" 'BEGIN { print n * s / 2^30 }')
  echo "== rounds in $dir"
  for f in "$dir"/round*/uptime-*; do printf '%s: %s\n' "${f#"$dir"/}" "$(cat "$f")"; done
  echo
  for mode in kelpie-sync kelpie-interval kelpie-journal kelpie-nojournal kelpie-alt kelpie-alt2; do
    ls "$dir"/round*/"$mode".tsv >/dev/null 2>&1 || continue
    echo "== $mode / kafka (ratio per round; > 1 means Kelpie higher; better = the direction that wins)"
    for r in "$dir"/round*/; do
      [ -s "$r/$mode.tsv" ] && [ -s "$r/kafka.tsv" ] || continue
      paste "$r/$mode.tsv" "$r/kafka.tsv" | sed "s|^|$(basename "$r")\t|"
    done | awk -F'\t' -v cols="$COLS" -v gib="$gib" '
      BEGIN {
        n = split(cols, c, " "); for (i = 1; i <= n; i++) idx[c[i]] = i + 1; nc = n
        m = 0
        f[++m] = "acks1_MiB_s";      lab[m] = "produce acks=1 MiB/s";          better[m] = "higher"
        f[++m] = "acksall_MiB_s";    lab[m] = "produce acks=all MiB/s";        better[m] = "higher"
        f[++m] = "cons_fetch_MiB_s"; lab[m] = "consume MiB/s (fetch phase)";   better[m] = "higher"
        f[++m] = "rate_p50";         lab[m] = "fixed 20k rec/s p50 ms";        better[m] = "lower"
        f[++m] = "rate_p99";         lab[m] = "fixed 20k rec/s p99 ms";        better[m] = "lower"
        f[++m] = "rate_p999";        lab[m] = "fixed 20k rec/s p99.9 ms";      better[m] = "lower"
        f[++m] = "e2e_avg_ms";       lab[m] = "end-to-end avg ms";             better[m] = "lower"
        f[++m] = "e2e_p99";          lab[m] = "end-to-end p99 ms";             better[m] = "lower"
        f[++m] = "cpu_prod1_s";      lab[m] = "broker CPU s/GiB produce acks=1";   better[m] = "lower"; pergib[m] = 1
        f[++m] = "cpu_prodall_s";    lab[m] = "broker CPU s/GiB produce acks=all"; better[m] = "lower"; pergib[m] = 1
        f[++m] = "cpu_cons_s";       lab[m] = "broker CPU s/GiB consume";      better[m] = "lower"; pergib[m] = 1
        f[++m] = "rss_MiB";          lab[m] = "broker RSS MiB (after run)";    better[m] = "lower"
        f[++m] = "peak_rss_MiB";     lab[m] = "broker peak RSS MiB";           better[m] = "lower"
      }
      function med(a, n,   x, y, t) {
        for (x = 2; x <= n; x++) { t = a[x]; y = x - 1; while (y > 0 && a[y] > t) { a[y + 1] = a[y]; y-- } a[y + 1] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
      }
      {
        rounds++; rname[rounds] = $1
        for (k = 1; k <= m; k++) {
          o = $(idx[f[k]]); K = $(idx[f[k]] + nc)
          if (o == "NA" || K == "NA" || K + 0 == 0) { ratio[k, rounds] = "NA"; continue }
          ratio[k, rounds] = o / K; ours[k, rounds] = o; theirs[k, rounds] = K
        }
        noise[rounds] = sprintf("%s/%s/%s vs %s/%s/%s", $(idx["oth_prod1_cores"]), $(idx["oth_prodall_cores"]), $(idx["oth_cons_cores"]),
                                $(idx["oth_prod1_cores"] + nc), $(idx["oth_prodall_cores"] + nc), $(idx["oth_cons_cores"] + nc))
      }
      END {
        printf "| figure | Kelpie (median) | Kafka (median) | ratio Kelpie/Kafka median | min-max | per round | better |\n"
        printf "|---|---:|---:|---:|---|---|---|\n"
        for (k = 1; k <= m; k++) {
          n = 0; no = 0; nk = 0; per = ""
          for (r = 1; r <= rounds; r++) {
            per = per (r > 1 ? " " : "") (ratio[k, r] == "NA" ? "NA" : sprintf("%.2f", ratio[k, r]))
            if (ratio[k, r] == "NA") continue
            a[++n] = ratio[k, r]; b[++no] = ours[k, r]; d[++nk] = theirs[k, r]
          }
          if (n == 0) { printf "| %s | NA | NA | NA | | %s | %s |\n", lab[k], per, better[k]; continue }
          lo = a[1]; hi = a[1]; for (x = 1; x <= n; x++) { if (a[x] < lo) lo = a[x]; if (a[x] > hi) hi = a[x] }
          mr = med(a, n); mo = med(b, no); mk = med(d, nk)
          if (pergib[k]) { mo = mo / gib; mk = mk / gib }
          printf "| %s | %.2f | %.2f | **%.2f** | %.2f-%.2f | %s | %s |\n", lab[k], mo, mk, mr, lo, hi, per, better[k]
        }
        printf "\nnoise (cores used by other processes, produce acks=1/acks=all/consume, Kelpie vs Kafka):\n"
        for (r = 1; r <= rounds; r++) printf "  %s: %s\n", rname[r], noise[r]
      }'
    echo
  done
}

if [ "${1:-}" = "--table" ]; then table "$2"; exit 0; fi

# ---------------------------------------------------------------- Kelpie distribution
dist=${BENCH_KELPIE_DIST:-$(ls -d "$repo"/broker/target/kelpie-*/ 2>/dev/null | head -1 || true)}
if [ -z "$dist" ] || [ ! -x "$dist/bin/kelpie-server" ]; then
  log "building the Kelpie distribution"
  (cd "$repo" && { ./mvnw -B -o -q -pl broker -am package -DskipTests || ./mvnw -B -q -pl broker -am package -DskipTests; }) >&2
  dist=$(ls -d "$repo"/broker/target/kelpie-*/ | head -1)
fi
dist=${dist%/}

free_port() {  # a TCP port with nothing listening on it, and none on port+1 (Kafka's controller)
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && ! (exec 3<>"/dev/tcp/127.0.0.1/$((p + 1))") 2>/dev/null; then
      echo "$p"; return 0
    fi
  done
  echo "no free port" >&2; return 1
}

KELPIE_PID=""
stop_kelpie() {
  [ -n "$KELPIE_PID" ] || return 0
  if kill -0 "$KELPIE_PID" 2>/dev/null; then
    kill -TERM "$KELPIE_PID" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$KELPIE_PID" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$KELPIE_PID" 2>/dev/null && { log "Kelpie still alive after 60 s, SIGKILL"; kill -KILL "$KELPIE_PID" || true; }
  fi
  wait "$KELPIE_PID" 2>/dev/null || true
  KELPIE_PID=""
}
trap stop_kelpie EXIT
trap 'exit 130' INT TERM

run_kelpie() {  # $1 mode (kelpie-sync, -interval, -journal, -nojournal, -alt, -alt2), $2 round dir
  local mode=$1 rdir=$2 port data ov=()
  port=$(free_port)
  data=$(mktemp -d "${WORK_ROOT:-/tmp}/kelpie-bench.XXXXXX")
  ov=(--override "listeners=PLAINTEXT://127.0.0.1:$port" --override "log.dirs=$data" --override kelpie.metrics.port=0)
  # kafka-baseline.sh writes this into the server.properties of the Kafka it starts; Kelpie gets the same
  ov+=(--override group.initial.rebalance.delay.ms=0)
  [ "$mode" = kelpie-interval ] && ov+=(--override log.flush.policy=interval)
  [ "$mode" = kelpie-journal ] && ov+=(--override kelpie.log.journal.enable=true)
  [ "$mode" = kelpie-nojournal ] && ov+=(--override kelpie.log.journal.enable=false)
  local kv; for kv in $BENCH_KELPIE_OVERRIDES; do ov+=(--override "$kv"); done
  if [ "$mode" = kelpie-alt ]; then for kv in $BENCH_KELPIE_ALT_OVERRIDES; do ov+=(--override "$kv"); done; fi
  if [ "$mode" = kelpie-alt2 ]; then for kv in $BENCH_KELPIE_ALT2_OVERRIDES; do ov+=(--override "$kv"); done; fi
  log "$(basename "$rdir"): starting Kelpie ($mode) on 127.0.0.1:$port, data in $data"
  KELPIE_HEAP_OPTS="$BROKER_HEAP" KELPIE_JVM_OPTS="$SAME_JVM_OPTS $BENCH_KELPIE_JVM_OPTS" KELPIE_LOG_LEVEL=warn \
    "$dist/bin/kelpie-server" "${ov[@]}" > "$rdir/$mode-server.log" 2>&1 &
  KELPIE_PID=$!
  local end=$((SECONDS + 60))
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    kill -0 "$KELPIE_PID" 2>/dev/null || { tail -30 "$rdir/$mode-server.log" >&2; return 1; }
    [ $SECONDS -lt $end ] || { log "Kelpie not listening after 60 s"; stop_kelpie; return 1; }
    sleep 0.3
  done
  BOOTSTRAP=127.0.0.1:$port BROKER_PID=$KELPIE_PID RESULTS_TSV=$rdir/$mode.tsv RESULTS_DIR=$rdir/$mode \
    "$BASELINE" --no-start > "$rdir/$mode.out" 2>&1 || { tail -30 "$rdir/$mode.out" >&2; stop_kelpie; rm -rf "$data"; return 1; }
  stop_kelpie
  rm -rf "$data"
}

run_kafka() {  # $1 round dir
  local rdir=$1 port
  port=$(free_port)
  log "$(basename "$rdir"): Apache Kafka 4.4 on 127.0.0.1:$port (started by the baseline script)"
  BOOTSTRAP=127.0.0.1:$port RESULTS_TSV=$rdir/kafka.tsv RESULTS_DIR=$rdir/kafka \
    "$BASELINE" > "$rdir/kafka.out" 2>&1 || { tail -30 "$rdir/kafka.out" >&2; return 1; }
}

noisy() {  # round dir -> 0 when some run of the round had more than NOISE_MAX cores of other work
  awk -F'\t' -v max="$NOISE_MAX" '{ for (i = 31; i <= 33; i++) if ($i != "NA" && $i + 0 > max) bad = 1 }
    END { exit bad ? 0 : 1 }' "$1"/*.tsv
}

run_round() {  # $1 round number, $2 round dir
  local r=$1 rdir=$2 order m
  rm -rf "$rdir"; mkdir -p "$rdir"
  order=$MODES
  [ $((r % 2)) = 0 ] && order=$(echo "$MODES" | awk '{ for (i = NF; i > 0; i--) printf "%s%s", $i, (i > 1 ? " " : "") }')
  for m in $order; do
    uptime > "$rdir/uptime-$m"
    log "round $r: $m ($(cat "$rdir/uptime-$m" | sed 's/.*load/load/'))"
    if [ "$m" = kafka ]; then run_kafka "$rdir"; else run_kelpie "$m" "$rdir"; fi
    grep '^noise' "$rdir/$m.out" | sed "s/^/  $m /" >&2 || true
  done
}

mkdir -p "$OUT_DIR"
log "output in $OUT_DIR; baseline script $BASELINE; Kelpie $dist"
{ echo "ROUNDS=$ROUNDS MODES=$MODES BROKER_HEAP=$BROKER_HEAP BROKER_CPUS=${BROKER_CPUS:-} CLIENT_CPUS=${CLIENT_CPUS:-}";
  echo "BENCH_KELPIE_OVERRIDES=$BENCH_KELPIE_OVERRIDES BENCH_KELPIE_ALT_OVERRIDES=$BENCH_KELPIE_ALT_OVERRIDES";
  echo "BENCH_KELPIE_ALT2_OVERRIDES=$BENCH_KELPIE_ALT2_OVERRIDES";
  echo "kelpie commit $(cd "$repo" && git rev-parse --short HEAD)$(cd "$repo" && git diff --quiet HEAD -- broker || echo '+dirty')"; } > "$OUT_DIR/settings"
for r in $(seq 1 "$ROUNDS"); do
  rdir="$OUT_DIR/round$r"
  run_round "$r" "$rdir"
  if [ "$REDO_NOISY" = 1 ] && noisy "$rdir"; then
    log "round $r: noise above $NOISE_MAX cores; redoing it once"
    mv "$rdir" "$OUT_DIR/noisy-round$r"
    run_round "$r" "$rdir"
    noisy "$rdir" && log "round $r: still noisy; kept, flagged in the noise lines"
  fi
done
table "$OUT_DIR" | tee "$OUT_DIR/table.md"

#!/usr/bin/env bash
# Builds what the benchmarks need and runs them by name. See bench/README.md.
#
#   bench/run.sh engine|ingest|online|trainingset|memory|training|inference|inference-user|scoring|reload|quality|soak|startup|kafka|rank|all [options of that benchmark]
#
# Environment:
#   PROPENSITY_BENCH_PG_URL/_USER/_PASSWORD  add the PostgreSQL lane (loopback only); when unset, the
#                                            PROPENSITY_TEST_PG_* of .ci/services.sh are used if set
#   PROPENSITY_BENCH_REDIS_URL               allows `online --online redis`; defaults to PROPENSITY_TEST_REDIS_URL
#   PROPENSITY_BENCH_SKIP_BUILD=1            reuse bench/target/benchmarks.jar and the service jars as built
#   PROPENSITY_BENCH_WORK_DIR                where scratch stores and service logs go (default: system temp dir)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/bench/target/benchmarks.jar"

usage() {
  cat <<'USAGE'
usage: bench/run.sh <benchmark> [options]

  engine       JMH: feature engine events/s (incremental, batch) and vectorAsOf, vs a plain pass over the data
  ingest       events/s of StreamIngestEvents into a fresh feature-service vs JdbcEventStore.append, per backend
  online       GetOnlineFeatures p50/p99/p99.9 vs grpc.health.v1.Health/Check on the same server
  trainingset  BuildTrainingSet rows/s on ~1M events vs a plain scan of the store
  memory       online state bytes per user and heap of a feature-service with -Xmx512m after ~1M events
  training     TrainingPipeline final-fit time vs bare LightGBM4j on the same rows; metrics per imbalance; peak RSS
  inference    inference-service Predict (inline vector; plain and explain_top_k=5) p50/p99/p99.9 vs Health/Check,
               closed loop and at a fixed rate; --prediction-log compare / --shadow compare measure the
               served-prediction log / log+shadow scoring against both off in the same run
  inference-user  Predict by user id (one hop to a real feature-service) vs Health/Check, closed loop and fixed rate;
               also vs GetOnlineFeatures alone
  scoring      JMH: ns per row of the pure-Java scorer and model-runtime's native LightGbmModel vs a bare LightGBM4j
               single-row call, and of their SHAP (Java top-5 and full TreeSHAP, native, bare CONTRIB); 100 and 500 trees
  reload       SetAlias(production) -> first Predict answer on the new version, under load; failed calls; latency
               during reload windows vs outside (training-service registry, inference-service)
  quality      model quality on public shop data sets (bench/quality): each imported through the CLI into a fresh
               stack, trained from a point-in-time training set, LightGBM vs its logistic baseline and naive rules
               on later cutoffs with bootstrap 95% intervals; not part of 'all' (about 10 minutes on an idle 2-core machine)
  startup      feature-service start-up time (full rebuild vs snapshot; PostgreSQL+Redis) and ingest rate at
               1M and 10M stored events (bulk-generated into the store); not part of 'all'
  soak         the three services under ingest, Predict, promotions and bad traffic for --minutes N (default 3),
               then checks: no INTERNAL/UNKNOWN status, every acknowledged event readable, heap after GC and open
               files flat, all services SERVING; exits 1 when a check fails (`bench/run.sh soak --minutes 60`: an hour);
               not part of 'all'
  kafka        feature-service consuming Kafka (1/2/4 partitions, 1/2 replicas sharing PostgreSQL and Redis): events/s
               until stored vs a bare KafkaConsumer and vs gRPC IngestEvents; produce -> visible-feature latency
               p50/p99 vs produce -> bare consumer. Needs PostgreSQL and Redis; not part of 'all'
  rank         RankTargets over every user of a large store (default 1M users, ~3 events each, bulk-loaded into
               SQLite; feature-service rebuilds their online state at start) for top_k 1,000 and 100,000, against
               listing + fetching all users' features alone and scoring the same vectors in memory (goal: 1M users
               under 30 s). --backend postgresql for PostgreSQL + Redis; not part of 'all' (10-20 minutes, 5 GB RAM)
  all          engine, ingest, online, trainingset, memory, inference, inference-user, scoring and reload with their
               default (short) settings, about 20 minutes on 2 cores

Options after the name go to that benchmark; `bench/run.sh <name> --help` lists them.
USAGE
}

if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  usage
  exit 0
fi
name="$1"
shift
case "$name" in
  engine|ingest|online|trainingset|memory|training|inference|inference-user|scoring|reload|quality|soak|startup|kafka|rank|all) ;;
  *) echo "unknown benchmark '$name'" >&2; usage >&2; exit 2 ;;
esac
if [ "$name" = "all" ] && [ $# -gt 0 ]; then
  echo "'all' takes no options; run a single benchmark to pass options" >&2
  exit 2
fi

if [ -z "${PROPENSITY_BENCH_PG_URL:-}" ] && [ -n "${PROPENSITY_TEST_PG_URL:-}" ]; then
  export PROPENSITY_BENCH_PG_URL="$PROPENSITY_TEST_PG_URL"
  export PROPENSITY_BENCH_PG_USER="${PROPENSITY_TEST_PG_USER:-}"
  export PROPENSITY_BENCH_PG_PASSWORD="${PROPENSITY_TEST_PG_PASSWORD:-}"
fi
if [ -z "${PROPENSITY_BENCH_REDIS_URL:-}" ] && [ -n "${PROPENSITY_TEST_REDIS_URL:-}" ]; then
  export PROPENSITY_BENCH_REDIS_URL="$PROPENSITY_TEST_REDIS_URL"
fi

if [ "${PROPENSITY_BENCH_SKIP_BUILD:-0}" != "1" ]; then
  # bench depends on libraries only; the services a benchmark starts as processes are built here for
  # their -all jars
  modules="bench"
  case "$name" in
    ingest|online|trainingset|memory|startup) modules="bench,feature-service" ;;
    inference) modules="bench,inference-service" ;;
    inference-user|rank) modules="bench,feature-service,inference-service" ;;
    reload) modules="bench,training-service,inference-service" ;;
    soak) modules="bench,feature-service,training-service,inference-service" ;;
    # the broker runs from kafka-broker's jar and target/lib
    kafka) modules="bench,feature-service,kafka-broker" ;;
    all) modules="bench,feature-service,training-service,inference-service" ;;
    # the CLI starts the whole local stack, dashboard included
    quality) modules="bench,cli,feature-service,training-service,inference-service,dashboard" ;;
  esac
  echo "== building $modules and what they need (mvn -q -B -DskipTests package -pl $modules -am) =="
  (cd "$ROOT" && mvn -q -B -DskipTests package -pl "$modules" -am)
fi
if [ ! -f "$JAR" ]; then
  echo "$JAR is missing: run without PROPENSITY_BENCH_SKIP_BUILD=1" >&2
  exit 1
fi

# the load generators find feature-service/target/*-all.jar from the repository root
cd "$ROOT"

run() {
  local bench="$1"
  shift
  echo
  echo "######## $bench ($(date -u +%H:%M:%S) UTC) ########"
  case "$bench" in
    engine)      java -Xmx1g -cp "$JAR" io.propensity.bench.engine.FeatureEngineReport "$@" ;;
    ingest)      java -Xmx2g -cp "$JAR" io.propensity.bench.load.IngestThroughputBench "$@" ;;
    online)      java -Xmx1g -cp "$JAR" io.propensity.bench.load.OnlineFeaturesLatencyBench "$@" ;;
    trainingset) java -Xmx1g -cp "$JAR" io.propensity.bench.load.TrainingSetBuildBench "$@" ;;
    memory)      java -Xmx1g -cp "$JAR" io.propensity.bench.load.OnlineStateMemoryCheck "$@" ;;
    startup)     java -Xmx3g -cp "$JAR" io.propensity.bench.load.StartupBench "$@" ;;
    kafka)
      # the broker's child JVM runs on kafka-broker's own jar and its target/lib (Kafka's server jars,
      # which the shaded benchmarks.jar does not hold), unless PROPENSITY_KAFKA_BROKER_CLASSPATH is set
      local kjar
      kjar="$(ls "$ROOT"/kafka-broker/target/kafka-broker-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -1 || true)"
      if [ -z "${PROPENSITY_KAFKA_BROKER_CLASSPATH:-}" ]; then
        if [ -z "$kjar" ] || [ ! -d "$ROOT/kafka-broker/target/lib" ]; then
          echo "kafka-broker/target/kafka-broker-*.jar or target/lib is missing: run without PROPENSITY_BENCH_SKIP_BUILD=1" >&2
          return 1
        fi
        export PROPENSITY_KAFKA_BROKER_CLASSPATH="$kjar:$ROOT/kafka-broker/target/lib/*"
      fi
      java -Xmx2g -cp "$JAR" io.propensity.bench.load.KafkaIngestBench "$@" ;;
    quality)
      # data sets not kept in the repository: fetched and cached once (a set that cannot be had is
      # skipped by the benchmark, saying why); PROPENSITY_BENCH_SKIP_FETCH=1 uses the cache as it is
      if [ "${PROPENSITY_BENCH_SKIP_FETCH:-0}" != "1" ]; then
        "$ROOT/bench/quality/fetch-data.sh" || echo "fetch-data.sh could not get every data set; going on" >&2
      fi
      java -Xmx1g -cp "$JAR" io.propensity.bench.quality.QualityBench "$@" ;;
    training)
      # LightGBM4j extracts its native library into java.io.tmpdir at start: a private one per run,
      # so another JVM loading the library from a shared temp dir is never disturbed
      local tmp
      tmp="$(mktemp -d "${PROPENSITY_BENCH_WORK_DIR:-${TMPDIR:-/tmp}}/propensity-bench-training-tmp.XXXXXX")"
      local rc=0
      java -Xmx2g -Djava.io.tmpdir="$tmp" -cp "$JAR" io.propensity.bench.training.TrainingOverheadBench "$@" || rc=$?
      rm -rf "$tmp"
      return "$rc"
      ;;
    soak)
      # the bench JVM trains the promoted models with LightGBM4j: a private java.io.tmpdir
      local stmp
      stmp="$(mktemp -d "${PROPENSITY_BENCH_WORK_DIR:-${TMPDIR:-/tmp}}/propensity-bench-soak-tmp.XXXXXX")"
      local src=0
      java -Xmx1g -Djava.io.tmpdir="$stmp" -cp "$JAR" io.propensity.bench.soak.SoakRun "$@" || src=$?
      rm -rf "$stmp"
      return "$src"
      ;;
    inference|inference-user|scoring|reload|rank)
      # the bench JVM trains the served model with LightGBM4j (scoring: its JMH forks do): a private
      # java.io.tmpdir, as for training
      local main
      # rank: the bench JVM holds every user's feature vector for its in-memory scoring baseline
      local xmx=-Xmx1g
      case "$bench" in
        rank)           main=io.propensity.bench.inference.RankTargetsBench; xmx=-Xmx3g ;;
        inference)      main=io.propensity.bench.inference.PredictLatencyBench ;;
        inference-user) main=io.propensity.bench.inference.PredictByUserBench ;;
        scoring)        main=io.propensity.bench.scoring.ScoringReport ;;
        reload)         main=io.propensity.bench.inference.ReloadUnderLoadBench ;;
      esac
      # scoring: one OpenMP thread unless OMP_NUM_THREADS says otherwise. A one-row call gains nothing
      # from OpenMP, and on a shared 2-core machine its spinning team makes every call pay for the
      # other processes (the report prints the setting; its JMH forks inherit it)
      local omp="${OMP_NUM_THREADS:-}"
      if [ "$bench" = "scoring" ]; then
        omp="${OMP_NUM_THREADS:-1}"
      fi
      local itmp
      itmp="$(mktemp -d "${PROPENSITY_BENCH_WORK_DIR:-${TMPDIR:-/tmp}}/propensity-bench-$bench-tmp.XXXXXX")"
      local irc=0
      env ${omp:+OMP_NUM_THREADS="$omp"} java "$xmx" -Djava.io.tmpdir="$itmp" -cp "$JAR" "$main" "$@" || irc=$?
      rm -rf "$itmp"
      return "$irc"
      ;;
  esac
}

if [ "$name" = "all" ]; then
  status=0
  for b in engine ingest online trainingset memory inference inference-user scoring reload; do
    run "$b" || { echo "!! $b failed" >&2; status=1; }
  done
  exit "$status"
fi
run "$name" "$@"

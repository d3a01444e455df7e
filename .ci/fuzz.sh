#!/usr/bin/env bash
# Coverage-guided fuzzing (Jazzer) of every @FuzzTest target, each for a bounded time, then a
# summary of what each covered. A finding (an exception the target does not allow, a hang, an
# out-of-memory) fails the run; its input is written next to the target's committed corpus
# (src/test/resources/<package>/<Class>Inputs/<method>/crash-*), where `mvn verify` replays it from
# then on.
#
#   .ci/fuzz.sh [seconds per target]     default 30; e.g. `.ci/fuzz.sh 600` for a long run by hand
#
# Environment:
#   PROPENSITY_FUZZ_SKIP_BUILD=1   reuse the test classes and target/fuzz.classpath of a previous run
#   PROPENSITY_FUZZ_ONLY=<substr>  fuzz only the targets whose "module class method" contains it
#
# `mvn verify` runs the same @FuzzTests as regression tests over the committed corpus only; this
# script runs Jazzer's own driver per target (one JVM each: Jazzer fuzzes one target per JVM), so
# that the duration is set here rather than in the annotation. The inputs it finds that reach new
# coverage go to <module>/.cifuzz-corpus/ (not committed; reused by the next run on this machine).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

seconds="${1:-30}"
case "$seconds" in
  '' | *[!0-9]*) echo "usage: .ci/fuzz.sh [seconds per target]" >&2; exit 2 ;;
esac

# module, fuzz test class, method
TARGETS=(
  "model-runtime io.propensity.runtime.LightGbmTreesFuzzTest anyModelTextIsRefusedOrScoredConsistently"
  "event-sources io.propensity.sources.csv.CsvImportersFuzzTest anyGenericFileEndsInAReportOrAHeaderError"
  "event-sources io.propensity.sources.csv.CsvImportersFuzzTest anyRees46FileEndsInAReportOrAHeaderError"
  "event-sources io.propensity.sources.csv.CsvImportersFuzzTest anyRetailrocketFileEndsInAReportOrAHeaderError"
  "feature-service io.propensity.feature.grpc.IngestMappingFuzzTest anyIngestRequestMapsToValidEventsOrNamedViolations"
  "feature-service io.propensity.feature.grpc.FeatureEndpointsFuzzTest noRequestEndsAsInternalOrUnknown"
  "training-service io.propensity.training.grpc.TrainingEndpointsFuzzTest noRequestEndsAsInternalOrUnknown"
  "inference-service io.propensity.inference.grpc.InferenceEndpointsFuzzTest noRequestEndsAsInternalOrUnknown"
)
if [ -n "${PROPENSITY_FUZZ_ONLY:-}" ]; then
  selected=()
  for t in "${TARGETS[@]}"; do
    case "$t" in *"$PROPENSITY_FUZZ_ONLY"*) selected+=("$t") ;; esac
  done
  TARGETS=("${selected[@]}")
fi
if [ "${#TARGETS[@]}" -eq 0 ]; then
  echo "no fuzz target matches PROPENSITY_FUZZ_ONLY=${PROPENSITY_FUZZ_ONLY:-}" >&2
  exit 2
fi
modules="$(printf '%s\n' "${TARGETS[@]}" | cut -d' ' -f1 | sort -u | paste -sd, -)"

# the services the endpoint targets start run with security off (issue 16: TLS and tokens are on by
# default once they land; the fuzz targets talk plaintext without credentials)
export PROPENSITY_SECURITY_INSECURE=true

if [ "${PROPENSITY_FUZZ_SKIP_BUILD:-0}" != "1" ]; then
  echo "== compiling $modules and writing their test class paths"
  # test-compile in the same reactor makes sibling modules resolve to their target/classes (and
  # test-jars to target/test-classes): nothing has to be installed in ~/.m2
  mvn -B -q test-compile dependency:build-classpath -pl "$modules" -am \
    -Dmdep.outputFile=target/fuzz.classpath -Dmdep.includeScope=test
fi

logs="$ROOT/target/fuzz"
mkdir -p "$logs"
rc=0
summary=()
for t in "${TARGETS[@]}"; do
  read -r module class method <<<"$t"
  name="${class##*.}.$method"
  log="$logs/$name.log"
  cp="$ROOT/$module/target/test-classes:$ROOT/$module/target/classes:$(cat "$ROOT/$module/target/fuzz.classpath")"
  echo "== fuzzing $name ($module) for ${seconds} s"
  start=$SECONDS
  target_rc=0
  # -timeout: one input running longer than 180 s is a hang (a finding; the first input of an
  # endpoint target starts its service, which takes a minute on a busy 2-core machine);
  # -rss_limit_mb: a leak or a runaway allocation is one too, well below what the machine has
  (cd "$ROOT/$module" && java -Xmx1g -XX:+UseSerialGC -cp "$cp" com.code_intelligence.jazzer.Jazzer \
    --target_class="$class" --target_method="$method" \
    --instrumentation_includes='io.propensity.**' \
    -max_total_time="$seconds" -timeout=180 -rss_limit_mb=3072 -print_final_stats=1) \
    >"$log" 2>&1 || target_rc=$?
  took=$((SECONDS - start))
  done_line="$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)"
  [ -n "$done_line" ] || done_line="$(grep -E '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse|INITED)' "$log" | tail -1 || true)"
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  cov="$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")"
  ft="$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$done_line")"
  corp="$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<<"$done_line")"
  crashes="$(grep -oE '(Test unit|crash reproducer|reproducer) written to [^ ]+' "$log" | sed 's/.* written to //' | sort -u || true)"
  status="ok"
  if [ "$target_rc" -ne 0 ]; then
    status="FINDING (exit $target_rc)"
    rc=1
  fi
  summary+=("$(printf '%-70s %8s runs  cov %5s  ft %6s  corpus %-12s %4ss  %s' \
    "$name" "${runs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$took" "$status")")
  if [ "$target_rc" -ne 0 ]; then
    echo "   finding in $name (log: $log):"
    grep -E -A12 '^== Java Exception|^== libFuzzer crashing input|ERROR: libFuzzer' "$log" | head -40 | sed 's/^/     /' || true
    [ -z "$crashes" ] || printf '     input: %s\n' $crashes
  fi
done

echo
echo "== fuzzing summary (${seconds} s per target; cov = covered edges, ft = features, corpus = inputs/bytes; logs in target/fuzz/)"
printf '%s\n' "${summary[@]}"
if [ "$rc" -ne 0 ]; then
  echo "fuzzing found problems: fix them (a typed error), keep the reproducer in the target's corpus"
fi
exit "$rc"

#!/usr/bin/env bash
# The Docker lane: a Docker engine and a compose client from Debian's packages, and the images the
# Docker-lane tests use, built from Debian packages (no image registry is reachable). Sourced by
# .ci/run; a developer can source it too: `source .ci/docker.sh && ensure_docker && start_docker && build_images`.
# Where Docker cannot start, nothing fails here: the Docker-lane tests skip with a message.

DOCKERD_LOG="${DOCKERD_LOG:-/var/log/propensity-dockerd.log}"

ensure_docker() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1 || missing+=(docker-compose)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]} from Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || true
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || echo "could not install ${missing[*]}: the Docker-lane tests will skip"
  fi
}

docker_answers() { docker info >/dev/null 2>&1; }

# Starts dockerd in the background unless an engine already answers: first with the storage driver
# the daemon picks (overlay2 where the kernel allows it), then with vfs, which works everywhere but
# copies the whole file system at every build step.
start_docker() {
  log "Docker engine"
  if docker_answers; then
    docker info --format 'already running: engine {{.ServerVersion}}, storage driver {{.Driver}}' 2>/dev/null || true
    return 0
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    echo "no dockerd: the Docker-lane tests will skip"
    return 0
  fi
  local driver pid
  for driver in "" vfs; do
    # shellcheck disable=SC2086
    nohup dockerd ${driver:+--storage-driver=$driver} >>"$DOCKERD_LOG" 2>&1 &
    pid=$!
    for _ in $(seq 1 60); do
      docker_answers && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if docker_answers; then
      docker info --format 'started dockerd (pid '"$pid"'): engine {{.ServerVersion}}, storage driver {{.Driver}}' 2>/dev/null || true
      return 0
    fi
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    echo "dockerd ${driver:+--storage-driver=$driver }did not start (see $DOCKERD_LOG)"
  done
  echo "no Docker engine: the Docker-lane tests will skip"
  return 0
}

# The air-gapped images (docker/build-images.sh, cached between runs) and the variables through which
# the tests find them. The service images are built by the compose end-to-end test itself.
build_images() {
  if ! docker_answers; then
    return 0
  fi
  log "air-gapped images from Debian packages"
  if docker/build-images.sh --no-services; then
    export PROPENSITY_TEST_POSTGRES_IMAGE=propensity/postgres:15
    export PROPENSITY_TEST_REDIS_IMAGE=propensity/redis:7
    export PROPENSITY_TEST_BASE_IMAGE=propensity/jre:17
  else
    echo "WARNING: building the images failed: the Docker-lane tests will skip"
  fi
}

# Time of the Docker lane and of everything else, from the test reports of the last Maven run.
report_lanes() {
  python3 - "$@" <<'PY' 2>/dev/null || true
import glob, re, sys
lanes = {"Docker lane (Testcontainers suites)": [0.0, 0, 0], "Docker lane (compose end-to-end)": [0.0, 0, 0],
         "other integration tests (*IT)": [0.0, 0, 0], "unit tests (*Test)": [0.0, 0, 0]}
for f in glob.glob("*/target/*-reports/TEST-*.xml"):
    head = open(f, encoding="utf-8", errors="replace").read(2000)
    m = re.search(r'<testsuite[^>]*\bname="([^"]+)"[^>]*', head)
    if not m:
        continue
    tag = m.group(0)
    name = m.group(1)
    get = lambda a: float((re.search(r'\b%s="([0-9.]+)"' % a, tag) or [0, 0])[1])
    if name.endswith("InDockerIT"):
        lane = "Docker lane (Testcontainers suites)"
    elif name.endswith(("ComposeStackIT", "ComposeScaleIT")):
        lane = "Docker lane (compose end-to-end)"
    elif name.endswith("IT"):
        lane = "other integration tests (*IT)"
    else:
        lane = "unit tests (*Test)"
    lanes[lane][0] += get("time")
    lanes[lane][1] += int(get("tests"))
    lanes[lane][2] += int(get("skipped"))
for lane, (t, n, s) in lanes.items():
    print("  %-40s %7.1f s  %4d tests, %d skipped" % (lane, t, n, s))
PY
}

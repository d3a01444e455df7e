#!/usr/bin/env bash
# Installs and starts the real backends the test suites use (Debian packages, loopback only), installs
# the browser of the dashboard tests, and exports the environment variables through which the tests
# find them. Sourced by .ci/run; a developer can source it too: `source .ci/services.sh && ensure_packages && start_postgres && start_redis`.

log() { printf '\n== %s ==\n' "$*"; }

PG_VERSION="${PG_VERSION:-15}"
export PROPENSITY_TEST_PG_URL="${PROPENSITY_TEST_PG_URL:-jdbc:postgresql://127.0.0.1:5432/propensity_test}"
export PROPENSITY_TEST_PG_USER="${PROPENSITY_TEST_PG_USER:-propensity}"
export PROPENSITY_TEST_PG_PASSWORD="${PROPENSITY_TEST_PG_PASSWORD:-propensity}"
export PROPENSITY_TEST_REDIS_URL="${PROPENSITY_TEST_REDIS_URL:-redis://127.0.0.1:6379}"

ensure_packages() {
  local missing=()
  command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  # the dashboard's browser tests drive Debian's headless Chromium through its chromedriver
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]} from Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

start_postgres() {
  log "PostgreSQL ${PG_VERSION} on 127.0.0.1:5432"
  if ! pg_lsclusters -h 2>/dev/null | grep -q "^${PG_VERSION} *main"; then
    pg_createcluster "${PG_VERSION}" main >/dev/null
  fi
  if ! pg_lsclusters -h | grep -q "^${PG_VERSION} *main .* online"; then
    pg_ctlcluster "${PG_VERSION}" main start
  fi
  for _ in $(seq 1 30); do
    su postgres -c "pg_isready -q -h 127.0.0.1 -p 5432" && break
    sleep 1
  done
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='${PROPENSITY_TEST_PG_USER}'\"" | grep -q 1 \
    || su postgres -c "psql -qc \"CREATE USER ${PROPENSITY_TEST_PG_USER} WITH PASSWORD '${PROPENSITY_TEST_PG_PASSWORD}' CREATEDB\""
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='propensity_test'\"" | grep -q 1 \
    || su postgres -c "psql -qc 'CREATE DATABASE propensity_test OWNER ${PROPENSITY_TEST_PG_USER}'"
}

start_redis() {
  log "Redis on 127.0.0.1:6379"
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save "" --appendonly no >/dev/null
  fi
  for _ in $(seq 1 30); do
    redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break
    sleep 0.5
  done
}

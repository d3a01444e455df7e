#!/usr/bin/env bash
# Builds, from Debian packages alone, every image the compose stack and the Docker-lane tests need:
#   propensity/jre:17        OpenJDK 17 JRE (base of the service images)
#   propensity/postgres:15   PostgreSQL 15, configured by POSTGRES_USER/POSTGRES_PASSWORD/POSTGRES_DB
#   propensity/redis:7       Redis 7
# and, when their jars are built (mvn -DskipTests package), the service images on top of the JRE:
#   propensity/feature-service, propensity/training-service, propensity/inference-service,
#   propensity/dashboard, propensity/cli (the compose stack's security-init) (tag dev)
# and, when kafka-broker/target/lib is built, the Kafka broker (KRaft, Kafka's Maven Central jars):
#   propensity/kafka:<Kafka version, e.g. 4.1.1>  (the compose profile `scale`)
#
# How: debootstrap --variant=minbase of Debian bookworm (cached as a tarball), then per image the
# packages installed into a copy of that root file system with apt in a chroot (security updates
# included), `docker import` of the result, and a `docker build` on top that adds the entry point.
# No image registry is contacted; only the Debian mirror apt already uses.
#
# Usage (as root; needs a running Docker engine):
#   docker/build-images.sh              build what is missing or changed (an image built from the same
#                                       packages and files is kept)
#   docker/build-images.sh --force      rebuild the base images and their root file systems (fresh
#                                       packages; downloaded .deb files are reused)
#   docker/build-images.sh --no-services  only the base images
# Environment: PROPENSITY_IMAGE_CACHE (default /var/cache/propensity-images) keeps the debootstrap
# tarball and the .deb files; DEBIAN_MIRROR (default: the mirror of /etc/apt/sources.list*).
# Then: docker compose --env-file docker/airgapped.env up -d   (see README, "Docker").
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SUITE="${DEBIAN_SUITE:-bookworm}"
CACHE="${PROPENSITY_IMAGE_CACHE:-/var/cache/propensity-images}"
SERVICE_TAG="${PROPENSITY_SERVICE_TAG:-dev}"
FORCE=0
SERVICES=1
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    --no-services) SERVICES=0 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "unknown option: $arg (see --help)" >&2; exit 2 ;;
  esac
done
export DOCKER_BUILDKIT=0   # the classic builder: works with every engine, no buildx plugin needed
export DEBIAN_FRONTEND=noninteractive

# The mirror apt uses on this machine (deb822 or one-line sources), so the images come from the same place.
detect_mirror() {
  local uri
  uri="$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
         | awk '{print $2}' | grep -E '/debian/?$' | head -1 || true)"
  [ -n "$uri" ] || uri="$(grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
         | awk '{print $2}' | grep -E '/debian/?$' | head -1 || true)"
  echo "${uri:-http://deb.debian.org/debian}"
}
MIRROR="${DEBIAN_MIRROR:-$(detect_mirror)}"
MIRROR="${MIRROR%/}"
SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-${MIRROR%/debian}/debian-security}"

STEP_START=0
step() { STEP_START=$(date +%s%N); printf '  %-58s ' "$*"; }
done_step() {
  local tenths=$(( ($(date +%s%N) - STEP_START) / 100000000 ))
  printf '%5d.%d s %s\n' $((tenths / 10)) $((tenths % 10)) "${1:-}"
}

need() { command -v "$1" >/dev/null 2>&1 || { echo "missing $1: apt-get install -y $2" >&2; exit 1; }; }
need docker docker.io
docker info >/dev/null 2>&1 || { echo "no Docker engine answers (start dockerd)" >&2; exit 1; }


WORK="$(mktemp -d /tmp/propensity-images.XXXXXX)"
MOUNTED=()
cleanup() {
  for m in "${MOUNTED[@]:-}"; do [ -n "$m" ] && umount -l "$m" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$CACHE/archives/partial"

# Debian minbase root file system with up-to-date package lists, cached as a tarball.
base_tarball() {
  local tar="$CACHE/$SUITE-minbase.tar"
  if [ -s "$tar" ]; then echo "$tar"; return; fi
  need debootstrap debootstrap
  local dir="$WORK/base"
  step "debootstrap --variant=minbase $SUITE ($MIRROR)" >&2
  debootstrap --variant=minbase --cache-dir="$CACHE/archives" "$SUITE" "$dir" "$MIRROR" \
    > "$WORK/debootstrap.log" 2>&1 || { cat "$WORK/debootstrap.log" >&2; exit 1; }
  cat > "$dir/etc/apt/sources.list" <<SOURCES
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
SOURCES
  done_step >&2
  step "tar the base root file system ($tar)" >&2
  tar -C "$dir" --numeric-owner -cf "$tar.partial" . && mv "$tar.partial" "$tar"
  rm -rf "$dir"
  done_step >&2
  echo "$tar"
}

# Root file system of one image: the base plus Debian packages, installed by apt in a chroot.
# $1 image name, $2.. packages. Cached as $CACHE/<name>.tar, keyed by the package list.
rootfs_tarball() {
  local name="$1"; shift
  local key; key="$(echo "$SUITE $*" | sha256sum | cut -c1-12)"
  local tar="$CACHE/rootfs-$name-$key.tar"
  if [ -s "$tar" ] && [ "$FORCE" = 0 ]; then echo "$tar"; return; fi
  local base; base="$(base_tarball)"
  local dir="$WORK/$name"
  mkdir -p "$dir"
  step "unpack base for $name" >&2
  tar -C "$dir" -xf "$base"
  done_step >&2
  step "apt-get install $* (chroot)" >&2
  # no service starts inside the chroot (postgresql's postinst would try)
  printf '#!/bin/sh\nexit 101\n' > "$dir/usr/sbin/policy-rc.d"; chmod +x "$dir/usr/sbin/policy-rc.d"
  mount -t proc proc "$dir/proc"; MOUNTED+=("$dir/proc")
  mount --bind "$CACHE/archives" "$dir/var/cache/apt/archives"; MOUNTED+=("$dir/var/cache/apt/archives")
  cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
  if ! chroot "$dir" /bin/sh -c "apt-get update -qq && apt-get -y -qq upgrade && apt-get install -y -qq --no-install-recommends $*" \
      > "$WORK/$name-apt.log" 2>&1; then
    cat "$WORK/$name-apt.log" >&2; exit 1
  fi
  umount -l "$dir/var/cache/apt/archives"; umount -l "$dir/proc"
  rm -f "$dir/usr/sbin/policy-rc.d" "$dir/etc/resolv.conf"
  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/log/apt/* "$dir"/var/cache/debconf/*-old "$dir"/tmp/*
  done_step "($(du -sm "$dir" | cut -f1) MiB)" >&2
  step "tar the $name root file system" >&2
  tar -C "$dir" --numeric-owner -cf "$tar.partial" . && mv "$tar.partial" "$tar"
  rm -rf "$dir"
  done_step >&2
  echo "$tar"
}

# $1 final tag, $2 build dir (docker/images/<x>), $3.. packages. An image is kept when its label
# says it was built from the same packages and build files.
base_image() {
  local tag="$1" ctx="$2"; shift 2
  local name; name="$(basename "$ctx")"
  local key; key="$( (echo "$SUITE $*"; cat "$ctx"/*) | sha256sum | cut -c1-12)"
  if [ "$FORCE" = 0 ] && [ "$(docker image inspect --format '{{index .Config.Labels "io.propensity.image-key"}}' "$tag" 2>/dev/null)" = "$key" ]; then
    printf '  %-58s present\n' "$tag"; return
  fi
  local tar; tar="$(rootfs_tarball "$name" "$@")"
  local rootfs="propensity/rootfs-$name:$SUITE"
  step "docker import $rootfs"
  docker import "$tar" "$rootfs" >/dev/null
  done_step
  step "docker build $tag"
  docker build -q --build-arg "ROOTFS=$rootfs" --label "io.propensity.image-key=$key" -t "$tag" "$ctx" > "$WORK/build.log" 2>&1 \
    || { echo; cat "$WORK/build.log" >&2; exit 1; }
  done_step
}

TOTAL_START=$(date +%s)
echo "== air-gapped images from Debian $SUITE packages ($MIRROR; cache $CACHE)"
# libgomp1: LightGBM's native library (training, inference) needs OpenMP
base_image propensity/jre:17      "$ROOT/docker/images/jre"      openjdk-17-jre-headless passwd libgomp1
base_image propensity/postgres:15 "$ROOT/docker/images/postgres" postgresql-15
base_image propensity/redis:7     "$ROOT/docker/images/redis"    redis-server

if [ "$SERVICES" = 1 ]; then
  for svc in feature-service training-service inference-service dashboard cli; do
    if ! ls "$ROOT/$svc"/target/*-all.jar >/dev/null 2>&1; then
      printf '  %-58s skipped: no %s/target/*-all.jar (mvn -DskipTests package)\n' "propensity/$svc:$SERVICE_TAG" "$svc"
      continue
    fi
    step "docker build propensity/$svc:$SERVICE_TAG"
    docker build -q --build-arg BASE_IMAGE=propensity/jre:17 -t "propensity/$svc:$SERVICE_TAG" "$ROOT/$svc" \
      > "$WORK/build.log" 2>&1 || { echo; cat "$WORK/build.log" >&2; exit 1; }
    done_step
  done
  # the Kafka broker: the kafka-broker module's jar and its runtime jars (target/lib, mvn package)
  kafka_jar="$(ls "$ROOT"/kafka-broker/target/lib/kafka_2.13-*.jar 2>/dev/null | head -1 || true)"
  if [ -z "$kafka_jar" ] || ! ls "$ROOT"/kafka-broker/target/kafka-broker-*.jar >/dev/null 2>&1; then
    printf '  %-58s skipped: no kafka-broker/target/lib (mvn -DskipTests package)\n' "propensity/kafka"
  else
    kafka_version="$(basename "$kafka_jar" .jar)"; kafka_version="${kafka_version#kafka_2.13-}"
    step "docker build propensity/kafka:$kafka_version"
    docker build -q --build-arg BASE_IMAGE=propensity/jre:17 -t "propensity/kafka:$kafka_version" "$ROOT/kafka-broker" \
      > "$WORK/build.log" 2>&1 || { echo; cat "$WORK/build.log" >&2; exit 1; }
    done_step
  fi
fi
echo "== images ready in $(( $(date +%s) - TOTAL_START )) s; use them with: docker compose --env-file docker/airgapped.env up -d"

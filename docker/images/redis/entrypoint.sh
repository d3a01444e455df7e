#!/bin/sh
# `redis-server [options]` (or just options) with protected mode off: the container's port is the
# boundary, as in the official image. A later --protected-mode option still wins.
set -e
case "${1:-}" in
  ""|-*) set -- redis-server "$@" ;;
esac
if [ "$1" = redis-server ]; then
  shift
  set -- redis-server --protected-mode no "$@"
fi
exec "$@"

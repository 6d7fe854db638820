#!/usr/bin/env bash
# Start the local PostgreSQL and Redis the test suite and benchmarks use, if they are stopped,
# and create the portal's database. Honors DATABASE_URL / REDIS_URL when they point elsewhere.
set -euo pipefail

pg_ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_ready() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if [ -z "${DATABASE_URL:-}" ]; then
  if ! pg_ready; then
    if command -v pg_ctlcluster >/dev/null 2>&1; then
      echo "Starting PostgreSQL…"
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start || true
    fi
    for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
  fi
  pg_ready || { echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='climateportal'" \
    | grep -q 1 || psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE climateportal"
fi

if [ -z "${REDIS_URL:-}" ]; then
  if ! redis_ready; then
    echo "Starting Redis…"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
    for _ in $(seq 1 30); do redis_ready && break; sleep 0.5; done
  fi
  redis_ready || { echo "Redis is not reachable on 127.0.0.1:6379" >&2; exit 1; }
fi

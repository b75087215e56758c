#!/usr/bin/env bash
# Make sure the PostgreSQL, Redis and RabbitMQ the tests use answer; start the local ones when they are
# installed but stopped. Fails with a clear message when one cannot be reached.
set -euo pipefail

pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
rabbit_up() { timeout 2 bash -c '</dev/tcp/127.0.0.1/5672' 2>/dev/null; }

if ! pg_up && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
  echo "starting the local PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 30); do pg_up && break; sleep 1; done
fi
if ! redis_up && command -v redis-server >/dev/null; then
  echo "starting the local Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  for _ in $(seq 30); do redis_up && break; sleep 1; done
fi
# The RabbitMQ broker test (imports/tests/test_rabbitmq.py) proves the alternative broker works.
if ! rabbit_up && command -v rabbitmq-server >/dev/null; then
  echo "starting the local RabbitMQ"
  rabbitmq-server -detached || true
  for _ in $(seq 60); do rabbit_up && break; sleep 1; done
fi
pg_up || { echo "PostgreSQL does not answer on 127.0.0.1:5432" >&2; exit 1; }
redis_up || { echo "Redis does not answer on 127.0.0.1:6379" >&2; exit 1; }
rabbit_up || { echo "RabbitMQ does not answer on 127.0.0.1:5672" >&2; exit 1; }
echo "PostgreSQL, Redis and RabbitMQ answer"

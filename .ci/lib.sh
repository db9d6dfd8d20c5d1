# Shared by .ci/run and .ci/bench: system packages, and a throwaway PostgreSQL 15 cluster.

step() { printf '\n=== %s ===\n' "$*"; }

# apt_install PACKAGE...: install what is not installed yet.
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

postgres_packages() {
  command -v initdb >/dev/null 2>&1 || [ -x /usr/lib/postgresql/15/bin/initdb ] || echo postgresql-15
}

# start_postgres: a cluster on a free loopback port, stopped and removed when the script exits;
# sets PGPORT_CI. PostgreSQL refuses to run as root, hence runuser. fsync is off (a throwaway
# cluster for tests) unless PG_FSYNC=on, as the benchmark asks.
start_postgres() {
  export PATH="$PATH:/usr/lib/postgresql/15/bin"
  pgroot=$(mktemp -d /tmp/kehoach-ci-pg.XXXXXX)
  chown postgres:postgres "$pgroot"
  trap 'runuser -u postgres -- pg_ctl -D "$pgroot/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pgroot"' EXIT
  PGPORT_CI=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  runuser -u postgres -- initdb -D "$pgroot/data" --auth=trust --encoding=UTF8 --locale=C.UTF-8 -U postgres >/dev/null
  runuser -u postgres -- pg_ctl -D "$pgroot/data" -l "$pgroot/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT_CI -k $pgroot -c fsync=${PG_FSYNC:-off} -c max_connections=200" start
}

#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster:
#
#     scripts/with_postgres.sh .venv/bin/pytest
#
# Creates a cluster with initdb in a temporary folder, starts it on a free local port (and a unix
# socket in the same folder), creates a database and runs the command with DATABASE_URL pointing
# at it. The cluster is stopped and removed when the command ends, whatever happens.
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` system user
# (created by the Debian packages) or, when there is none, as `nobody`.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

find_pg_bin() {
    if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
    if [ -x /usr/lib/postgresql/15/bin/initdb ]; then echo /usr/lib/postgresql/15/bin; return; fi
    local newest
    newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$newest" ] && [ -x "$newest/initdb" ]; then echo "$newest"; return; fi
    if command -v pg_config >/dev/null; then pg_config --bindir; return; fi
    echo "PostgreSQL server binaries (initdb, pg_ctl) not found; set PG_BIN." >&2
    exit 1
}
PG_BIN=$(find_pg_bin)

workdir=$(mktemp -d "${TMPDIR:-/tmp}/skillcommons-pg.XXXXXX")
chmod 755 "$workdir"
as_server_user=()
if [ "$(id -u)" -eq 0 ]; then
    server_user=postgres
    id "$server_user" >/dev/null 2>&1 || server_user=nobody
    chown "$server_user" "$workdir"
    as_server_user=(runuser -u "$server_user" --)
fi

cleanup() {
    local status=$?
    if [ -f "$workdir/data/postmaster.pid" ]; then
        "${as_server_user[@]}" "$PG_BIN/pg_ctl" -D "$workdir/data" -m immediate -w stop \
            >/dev/null 2>&1 || true
    fi
    rm -rf "$workdir"
    exit "$status"
}
trap cleanup EXIT INT TERM

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

"${as_server_user[@]}" "$PG_BIN/initdb" -D "$workdir/data" -U postgres -A trust -E UTF8 \
    --locale=C.UTF-8 --no-sync >"$workdir/initdb.log" 2>&1 || {
    cat "$workdir/initdb.log" >&2
    exit 1
}
# Durability is pointless for a throwaway test database; turning it off makes the suite faster.
"${as_server_user[@]}" "$PG_BIN/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w -t 60 \
    -o "-p $port -k $workdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || {
    cat "$workdir/server.log" >&2
    exit 1
}
"$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres skillcommons

echo "==> PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (throwaway cluster in $workdir)"
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/skillcommons"
set +e
"$@"
status=$?
set -e
exit "$status"

#!/usr/bin/env bash
# The project's single test command: provisions a throw-away PostgreSQL cluster
# and SMTP sink, runs `dotnet test`, and prints "N passed, N failed, N skipped"
# as the last line. Extra arguments are forwarded to dotnet test (e.g. --filter).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

log() { echo "test.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --- System dependencies (installed only when missing) ----------------------

missing=()
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
[[ -e /usr/share/zoneinfo/Europe/Stockholm ]] || missing+=(tzdata)
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || missing+=(python3-aiosmtpd)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
# EGENVARD_TEST_FAKETIME moves the machine's clock for the test run (libfaketime syntax: '+365d', '@2030-12-31 22:58:30'),
# to show that no test depends on the real date or time of day.
moved_clock=()
if [[ -n ${EGENVARD_TEST_FAKETIME:-} ]]; then
    command -v faketime >/dev/null || missing+=(faketime)
    moved_clock=(faketime -f "$EGENVARD_TEST_FAKETIME")
fi

if ((${#missing[@]})); then
    [[ $(id -u) -eq 0 ]] || die "missing packages (${missing[*]}) and not running as root"
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
fi

# Each test host watches its configuration files, and every watcher is an inotify instance of the user: the default
# limit (128) is shared by every process of the user, so raise it where we may (the suite alone peaks near 60).
if [[ $(id -u) -eq 0 && $(cat /proc/sys/fs/inotify/max_user_instances 2>/dev/null || echo 1024) -lt 1024 ]]; then
    sysctl -q -w fs.inotify.max_user_instances=1024 || log "could not raise fs.inotify.max_user_instances"
fi

# --- Helpers -----------------------------------------------------------------

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Below Linux's ephemeral range (32768–60999), so a port found free is not taken a moment later by some program's
# outgoing connection (a second suite running beside this one, say).
free_port() {
    local p
    for _ in {1..200}; do
        p=$((20000 + RANDOM % 12000))
        port_open "$p" || { echo "$p"; return 0; }
    done
    return 1
}

WORK_DIR=""
PG_BIN=""
SMTP_PID=""

# runuser keeps the caller's cwd, which postgres may not be able to read (e.g. /root).
as_postgres() { (cd "$WORK_DIR" && runuser -u postgres -- "$@"); }

# shellcheck disable=SC2317  # invoked via trap
cleanup() {
    local rc=$?
    if [[ -n $SMTP_PID ]]; then
        kill "$SMTP_PID" 2>/dev/null || true
        wait "$SMTP_PID" 2>/dev/null || true
    fi
    if [[ -n $WORK_DIR && -f $WORK_DIR/pgdata/postmaster.pid ]]; then
        as_postgres "$PG_BIN/pg_ctl" stop -D "$WORK_DIR/pgdata" -m immediate >/dev/null 2>&1 || true
    fi
    [[ -n $WORK_DIR ]] && rm -rf "$WORK_DIR"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- Throw-away PostgreSQL cluster ------------------------------------------

PG_BIN="$(dirname "$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")"
[[ -x $PG_BIN/initdb ]] || die "no PostgreSQL initdb found"
id postgres >/dev/null 2>&1 || die "the 'postgres' user does not exist"

WORK_DIR="$(mktemp -d)"
chmod 755 "$WORK_DIR"
mkdir -p "$WORK_DIR/pgdata" "$WORK_DIR/pgsock"
chown postgres: "$WORK_DIR/pgdata" "$WORK_DIR/pgsock"
touch "$WORK_DIR/postgres.log" && chown postgres: "$WORK_DIR/postgres.log"

as_postgres "$PG_BIN/initdb" -D "$WORK_DIR/pgdata" -A trust -U postgres --no-sync \
    >"$WORK_DIR/initdb.log" 2>&1 || { cat "$WORK_DIR/initdb.log" >&2; die "initdb failed"; }

PG_PORT="$(free_port)" || die "no free port for PostgreSQL"
as_postgres "$PG_BIN/pg_ctl" start -w -t 60 -D "$WORK_DIR/pgdata" -l "$WORK_DIR/postgres.log" \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $WORK_DIR/pgsock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    >/dev/null || { cat "$WORK_DIR/postgres.log" >&2; die "PostgreSQL failed to start"; }
log "PostgreSQL $(basename "$(dirname "$PG_BIN")") on 127.0.0.1:$PG_PORT"

export EGENVARD_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"

# --- SMTP sink ---------------------------------------------------------------

MAIL_DIR="$WORK_DIR/maildir"
# Three tries, each on a port of its own: another program may bind the free port found before the sink does.
for attempt in 1 2 3; do
    SMTP_PORT="$(free_port)" || die "no free port for SMTP"
    /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$MAIL_DIR" \
        >"$WORK_DIR/smtp.log" 2>&1 </dev/null &
    SMTP_PID=$!
    for _ in {1..100}; do
        port_open "$SMTP_PORT" && break
        kill -0 "$SMTP_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$SMTP_PID" 2>/dev/null && break
    log "SMTP sink did not start on $SMTP_PORT (attempt $attempt): $(tail -1 "$WORK_DIR/smtp.log")"
    SMTP_PID=""
done
[[ -n $SMTP_PID ]] || { cat "$WORK_DIR/smtp.log" >&2; die "SMTP sink exited"; }
port_open "$SMTP_PORT" || { cat "$WORK_DIR/smtp.log" >&2; die "SMTP sink not listening after 10s"; }
log "SMTP sink on 127.0.0.1:$SMTP_PORT, mail in $MAIL_DIR"

export EGENVARD_TEST_SMTP_PORT="$SMTP_PORT"
export EGENVARD_TEST_MAILDIR="$MAIL_DIR"
export EGENVARD_TEST_CHROMIUM=/usr/bin/chromium

# --- Tests -------------------------------------------------------------------

RESULTS_DIR="$REPO_ROOT/TestResults"
rm -rf "$RESULTS_DIR"

test_rc=0
[[ ${#moved_clock[@]} -eq 0 ]] || log "the tests run with the clock moved: $EGENVARD_TEST_FAKETIME"
"${moved_clock[@]}" dotnet test EgenvardRegistry.sln -c Release \
    --logger "trx;LogFilePrefix=results" \
    --results-directory "$RESULTS_DIR" \
    "$@" || test_rc=$?

# --- Summary -----------------------------------------------------------------

# Errors, timeouts and aborts count as failures; anything neither passed nor
# failed (ignored, not executed, inconclusive) counts as skipped.
summary="$(/usr/bin/python3 - "$RESULTS_DIR" <<'PY'
import pathlib, sys, xml.etree.ElementTree as ET
passed = failed = total = 0
for trx in pathlib.Path(sys.argv[1]).rglob("*.trx"):
    for el in ET.parse(trx).iter():
        if el.tag.rsplit("}", 1)[-1] == "Counters":
            n = lambda k: int(el.get(k, 0))
            total += n("total")
            passed += n("passed")
            failed += n("failed") + n("error") + n("timeout") + n("aborted")
print(passed, failed, max(total - passed - failed, 0))
PY
)" || summary="0 0 0"
read -r passed failed skipped <<<"$summary"

status=0
if ((test_rc != 0)); then
    log "dotnet test exited with $test_rc"; status=1
elif ((failed > 0)); then
    status=1
elif ((passed + failed == 0)); then
    log "no tests ran"; status=1
fi

echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"

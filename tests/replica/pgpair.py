"""A throwaway PostgreSQL primary and a streaming replica of it (pg_basebackup), on two free loopback ports.

The machine's own cluster is not used as the primary: its pg_hba.conf allows no replication connections,
and a synchronous standby there would stall every other database on it whenever the standby stops. So the
test runs initdb for its own primary, then pg_basebackup -R for the replica. The PostgreSQL binaries refuse
to run as root: as root they run as the `postgres` user (runuser, or su)."""

from __future__ import annotations

import glob
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

TOOLS = ("initdb", "pg_ctl", "pg_basebackup")


def find_bindir() -> str | None:
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]) if
                    p.split("/")[-2].isdigit() else 0, reverse=True):
        if all(os.access(os.path.join(d, t), os.X_OK) for t in TOOLS):
            return d
    found = [shutil.which(t) for t in TOOLS]
    if all(found):
        return os.path.dirname(found[0])
    return None


def why_not() -> str | None:
    """The reason the pair cannot be started here (None: it can)."""
    if find_bindir() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) not found under /usr/lib/postgresql/*/bin"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no `postgres` user to run the PostgreSQL binaries as"
        if not (shutil.which("runuser") or shutil.which("su")):
            return "running as root and neither runuser nor su is available"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgPair:
    def __init__(self):
        self.bindir = find_bindir()
        self.base = Path(tempfile.mkdtemp(prefix="tuijin-replica-"))
        self.primary_dir, self.replica_dir = self.base / "primary", self.base / "replica"
        self.primary_port, self.replica_port = free_port(), free_port()
        while self.replica_port == self.primary_port:
            self.replica_port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            pw = pwd.getpwnam("postgres")
            os.chown(self.base, pw.pw_uid, pw.pw_gid)
        self.running: set[Path] = set()

    # -------------------------------------------------------------- commands

    def run(self, tool: str, *args: str, check: bool = True, timeout: int = 120) -> subprocess.CompletedProcess:
        cmd = [os.path.join(self.bindir, tool), *args]
        if self.as_root:
            if shutil.which("runuser"):
                cmd = ["runuser", "-u", "postgres", "--", *cmd]
            else:
                cmd = ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(cmd)]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.base)
        if check and out.returncode != 0:
            raise RuntimeError(f"{tool} failed ({out.returncode}): {out.stderr.strip() or out.stdout.strip()}")
        return out

    def stop_command(self, which: str = "replica") -> list[str]:
        """The command that stops one server (handed to the inner test run)."""
        d = self.replica_dir if which == "replica" else self.primary_dir
        cmd = [os.path.join(self.bindir, "pg_ctl"), "-D", str(d), "-m", "fast", "-w", "stop"]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd] if shutil.which("runuser") else [
                "su", "postgres", "-s", "/bin/sh", "-c", shlex.join(cmd)]
        return cmd

    def _conf(self, d: Path, lines: list[str]) -> None:
        with open(d / "postgresql.conf", "a") as fh:
            fh.write("\n# tuijin replica test\n" + "\n".join(lines) + "\n")

    def _start(self, d: Path, log: str) -> None:
        self.run("pg_ctl", "-D", str(d), "-l", str(self.base / log), "-w", "-t", "60", "start")
        self.running.add(d)

    def sql(self, port: int, query: str, dbname: str = "postgres"):
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname=dbname, autocommit=True,
                             connect_timeout=5) as c:
            cur = c.execute(query)
            return cur.fetchall() if cur.description else None

    # -------------------------------------------------------------- life cycle

    def start(self, dbname: str) -> None:
        self.run("initdb", "-D", str(self.primary_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                 "--no-locale", "--no-instructions")
        common = ["listen_addresses = '127.0.0.1'", f"unix_socket_directories = '{self.base}'",
                  "fsync = off", "shared_buffers = 32MB", "max_connections = 40"]
        self._conf(self.primary_dir, [*common, f"port = {self.primary_port}", "wal_level = replica",
                                      "max_wal_senders = 4", "wal_keep_size = 64MB"])
        self._start(self.primary_dir, "primary.log")
        self.sql(self.primary_port, f'CREATE DATABASE "{dbname}"')
        self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
                 "-D", str(self.replica_dir), "-R", "-X", "stream", "-c", "fast")
        self._conf(self.replica_dir, [*common, f"port = {self.replica_port}", "hot_standby = on",
                                      "max_standby_streaming_delay = 1s", "hot_standby_feedback = on"])
        self._start(self.replica_dir, "replica.log")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            rows = self.sql(self.primary_port, "SELECT state FROM pg_stat_replication")
            if rows and rows[0][0] == "streaming":
                break
            time.sleep(0.2)
        else:
            raise RuntimeError("the replica did not start streaming within 30 s")
        # Synchronous, applied on the replica before a commit returns: a read right after a write sees it.
        self.sql(self.primary_port, "ALTER SYSTEM SET synchronous_standby_names = '*'")
        self.sql(self.primary_port, "ALTER SYSTEM SET synchronous_commit = 'remote_apply'")
        self.sql(self.primary_port, "SELECT pg_reload_conf()")
        time.sleep(0.3)

    def stop(self) -> None:
        for d in (self.replica_dir, self.primary_dir):
            if d in self.running and (d / "postmaster.pid").exists():
                self.run("pg_ctl", "-D", str(d), "-m", "immediate", "-w", "stop", check=False, timeout=60)
        self.running.clear()

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def logs(self) -> str:
        out = []
        for name in ("primary.log", "replica.log"):
            p = self.base / name
            if p.exists():
                out.append(f"--- {name}\n" + p.read_text(errors="replace")[-3000:])
        return "\n".join(out)

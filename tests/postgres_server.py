"""A real PostgreSQL server for the tests: Debian's `postgresql` package, in a temporary folder.

Why real: the PostgreSQL journal's promises (a committed intent before each call, an advisory
lock per master account that a second process waits on, a lost database stopping new calls) are
the server's behaviour; a fake would test our idea of it. `make test` (and `.ci/run`) install
the package where it is missing. One server per test session (per xdist worker: each has its
own folder and socket); each test gets a database of its own (`new_database`).

`initdb` refuses to run as root, so as root the server runs as the `postgres` user
(`runuser -u postgres --`) in a folder it owns. It listens on a unix socket in that folder, and
on a free loopback port when asked (the benchmark). `fsync=off` unless ``durable`` (the
benchmark): the tests stop the server on purpose but never the machine, and every commit still
waits for its WAL write.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "postgres"
#: A role that must give a password (scram-sha-256), for the tests that keep it secret.
PASSWORD_ROLE = "zoomplans_pw"


class PostgresNotInstalled(RuntimeError):
    """Debian's `postgresql` package is missing: `make test` installs it (apt-get, as root)."""


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    raise PostgresNotInstalled(
        "PostgreSQL's initdb is not installed: run `make test` (it installs Debian's "
        "`postgresql` package) or `apt-get install postgresql`"
    )


def _version(path: str) -> int:
    part = Path(path).parent.parent.name
    return int(part) if part.isdigit() else 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """initdb + pg_ctl start in a temporary folder; ``stop`` (or ``close``) ends it."""

    def __init__(self, *, tcp: bool = False, durable: bool = False) -> None:
        self.bin = _bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="zp-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root
        self.port = free_port() if tcp else 5432
        self.tcp = tcp
        self.durable = durable
        self._as_root = os.geteuid() == 0
        self._databases = 0
        if self._as_root:
            shutil.chown(self.root, SUPERUSER, SUPERUSER)
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
                  "--no-sync", "--locale=C.UTF-8")  # fmt: skip
        with (self.data / "pg_hba.conf").open("w") as hba:
            hba.write(f"local all {PASSWORD_ROLE} scram-sha-256\n")
            hba.write(f"host all {PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\n")
            hba.write("local all all trust\nhost all all 127.0.0.1/32 trust\n")
        self.start()

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self._as_root:
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.root)
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed: {done.stdout}{done.stderr}")

    def start(self) -> None:
        listen = "127.0.0.1" if self.tcp else "''"
        options = (f"-k {self.socket_dir} -p {self.port} -c listen_addresses={listen} "
                   "-c max_connections=60")  # fmt: skip
        if not self.durable:
            options += " -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-w",
                  "-t", "60", "-o", options, "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def close(self) -> None:
        if self.running():
            with contextlib.suppress(RuntimeError):
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres", *, user: str = SUPERUSER, password: str = "") -> str:
        secret = f":{password}" if password else ""
        if self.tcp:
            return f"postgresql://{user}{secret}@127.0.0.1:{self.port}/{database}"
        return f"postgresql://{user}{secret}@/{database}?host={self.socket_dir}&port={self.port}"

    def sql(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(statement)  # type: ignore[arg-type]

    def new_database(self) -> str:
        """A fresh empty database (its name): tests share the server, never a journal."""
        self._databases += 1
        name = f"journal_{os.getpid()}_{self._databases}"
        self.sql(f"CREATE DATABASE {name}")
        return name

    def password_role(self, password: str) -> None:
        self.sql(f"DROP ROLE IF EXISTS {PASSWORD_ROLE}")
        self.sql(f"CREATE ROLE {PASSWORD_ROLE} LOGIN SUPERUSER PASSWORD '{password}'")

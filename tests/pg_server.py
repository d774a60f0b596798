"""Start a throwaway PostgreSQL server for tests (initdb into a temp dir, free port, stop after).

Use from a test module:

    from pg_server import postgres_server

    @pytest.fixture(scope="module")
    def pg():
        with postgres_server() as server:
            yield server

    def test_x(pg):
        url = pg.fresh_schema_url()   # isolated: a new empty schema per call (~15 ms)

(`running_postgres()` yields just the URL of one database.)

Skips when no PostgreSQL binaries are found, unless the environment variable CI is set (then it
fails): install them with `scripts/system-deps.sh`. PostgreSQL refuses to run as root, so as
root the server runs as the `postgres` system user (or `nobody`).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

DB_USER = "auditor"
DB_NAME = "auditor_test"


def find_bin_dir() -> Path | None:
    """Directory holding initdb and pg_ctl: $PG_BIN, /usr/lib/postgresql/<newest>/bin, or PATH."""
    candidates = [os.environ.get("PG_BIN", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    which = shutil.which("pg_ctl")
    candidates.append(str(Path(which).parent) if which else "")
    for cand in filter(None, candidates):
        if all((Path(cand) / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(cand)
    return None


def _version_key(path: str) -> tuple[int, ...]:
    parts = Path(path).parent.name.split(".")
    return tuple(int(p) for p in parts if p.isdigit())


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is an error: run scripts/system-deps.sh)", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_as() -> pwd.struct_passwd | None:
    """The unprivileged account to run the server as when we are root (None when not root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    _missing("running as root and no 'postgres' or 'nobody' user to run PostgreSQL as")
    return None


class _Server:
    """Runs the PostgreSQL tools as the right user with a clean environment."""

    def __init__(self, bin_dir: Path, root: Path, user: pwd.struct_passwd | None) -> None:
        self.bin_dir, self.root, self.user = bin_dir, root, user
        self.data, self.sockets, self.log = root / "data", root / "sock", root / "server.log"
        self.port = _free_port()

    def run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LC_ALL": "C",
            "HOME": str(self.root),
            "PGUSER": DB_USER,
            "PGHOST": str(self.sockets),
            "PGPORT": str(self.port),
        }
        kwargs: dict = {}
        if self.user is not None:
            kwargs = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}
        proc = subprocess.run(
            [str(self.bin_dir / tool), *args],
            env=env,
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=60,
            **kwargs,
        )
        if check and proc.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(f"{tool} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}\n{log}")
        return proc

    def start(self) -> str:
        self.sockets.mkdir()
        if self.user is not None:
            for p in (self.root, self.sockets):
                os.chown(p, self.user.pw_uid, self.user.pw_gid)
        self.run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            DB_USER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
            "--no-instructions",
        )
        opts = (
            f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=20"
        )
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", opts, "-w", "-t", "30", "start")
        self.run("createdb", DB_NAME)
        return f"postgresql://{DB_USER}@127.0.0.1:{self.port}/{DB_NAME}"

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)

    def fresh_schema_url(self) -> str:
        """URL of the test database whose search_path is a new empty schema (much faster than createdb)."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        self.run("psql", "-d", DB_NAME, "-q", "-v", "ON_ERROR_STOP=1", "-c", f"CREATE SCHEMA {name}")
        return f"postgresql://{DB_USER}@127.0.0.1:{self.port}/{DB_NAME}?options=-csearch_path%3D{name}"

    def create_database(self, name: str | None = None) -> str:
        """A fresh empty database on this server; returns its URL."""
        name = name or f"t_{uuid.uuid4().hex[:12]}"
        self.run("createdb", name)
        return f"postgresql://{DB_USER}@127.0.0.1:{self.port}/{name}"


@contextmanager
def postgres_server() -> Iterator[_Server]:
    """A running throwaway server (skip or, under CI, fail when PostgreSQL is not installed)."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        _missing("PostgreSQL server binaries (initdb, pg_ctl) not found")
    root = Path(tempfile.mkdtemp(prefix="auditor-pg-"))
    server = _Server(bin_dir, root, _run_as())
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def running_postgres() -> Iterator[str]:
    """URL (postgresql://auditor@127.0.0.1:PORT/auditor_test) of a throwaway server."""
    with postgres_server() as server:
        yield f"postgresql://{DB_USER}@127.0.0.1:{server.port}/{DB_NAME}"

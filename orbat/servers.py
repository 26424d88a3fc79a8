"""Local servers for tests and benchmarks: a free loopback port, the Oxigraph server binary, and
a process that is up when its URL answers and is stopped by its PID (SIGTERM, then SIGKILL)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def oxigraph_binary() -> str:
    """The ``oxigraph`` CLI of the PyPI package ``oxigraph`` (installed with the test extra)."""
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).exists():
        raise RuntimeError("the 'oxigraph' server binary is missing: pip install oxigraph")
    return found


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=1.0) as http:  # one client: making one costs 60-100 ms of a core (its TLS context)
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with status {process.returncode}")
            try:
                http.get(url)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up in {timeout} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def running(
    command: list[str], ready_url: str, *, timeout: float = 60.0, **popen: object
) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``command``, wait until ``ready_url`` answers, and stop it by PID on exit."""
    popen.setdefault("stdout", subprocess.DEVNULL)
    popen.setdefault("stderr", subprocess.DEVNULL)
    process = subprocess.Popen(command, **popen)  # type: ignore[call-overload]
    try:
        wait_until_up(ready_url, process, timeout)
        yield process
    finally:
        stop(process)


VIRTUOSO_INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 0
"""


def virtuoso_binary() -> str:
    """Virtuoso Open Source's server (Debian: ``apt-get install virtuoso-opensource``)."""
    found = shutil.which("virtuoso-t")
    if found is None:
        raise RuntimeError("the Virtuoso server 'virtuoso-t' is missing: apt-get install virtuoso-opensource")
    return found


@contextmanager
def virtuoso(directory: Path, *, timeout: float = 60.0) -> Iterator[str]:
    """A Virtuoso with its own database and virtuoso.ini in ``directory``, on free loopback ports (HTTP
    and SQL), its answers uncapped (``ResultSetMaxRows``); yields its base URL, user dba, password dba."""
    http_port, sql_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=directory, http_port=http_port, sql_port=sql_port), encoding="utf-8")
    url = f"http://127.0.0.1:{http_port}"
    with running(
        [virtuoso_binary(), "-f", "-c", str(ini)], f"{url}/sparql?query=ASK%7B%7D", timeout=timeout, cwd=directory
    ):
        yield url


@contextmanager
def oxigraph_server(location: Path, *, timeout: float = 20.0) -> Iterator[str]:
    """``oxigraph serve`` over the database in ``location`` on a free loopback port, its default graph
    the union of the named graphs (as orbat needs); yields its base URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    with running([*command, "--union-default-graph"], f"{url}/query?query=ASK%7B%7D", timeout=timeout):
        yield url

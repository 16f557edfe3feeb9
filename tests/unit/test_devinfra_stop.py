"""A stop is finished when the service's ports are free, not merely when its pid is gone.

The CI saw `dev down --cluster` return while a killed broker's port still accepted
connections. Here a real process listens on a port and, like a JVM whose other threads
outlive the main one, leaves a child holding the listening socket for a moment after the
process itself exits.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from screener import devinfra

# Listens, hands the socket to a child that keeps it HOLD_S seconds, and exits on SIGTERM.
_LINGERING_SERVER = textwrap.dedent(
    """
    import os, signal, socket, sys, time
    # marker: screener-test-lingering-server
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", int(sys.argv[1])))
    server.listen()
    hold_s = float(sys.argv[2])
    parent = os.getpid()
    if os.fork() == 0:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        while os.getppid() == parent:  # wait for the parent to go, then hold on a while
            time.sleep(0.05)
        time.sleep(hold_s)
        os._exit(0)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    while True:
        time.sleep(1)
    """
)
MARKER = "screener-test-lingering-server"
Starter = Callable[[devinfra.Service, devinfra.DevLayout], None]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((devinfra.HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _service(port: int, hold_s: float, tmp_path: Path) -> devinfra.Service:
    script = tmp_path / f"{MARKER}.py"
    script.write_text(_LINGERING_SERVER)
    return devinfra.Service(
        name="lingering",
        cmdline_marker=MARKER,
        ports=(port,),
        ready_timeout_s=10.0,
        answers=lambda: devinfra._port_open(port),
        prepare=lambda: [sys.executable, str(script), str(port), str(hold_s)],
    )


def _layout(tmp_path: Path) -> devinfra.DevLayout:
    return devinfra.DevLayout(
        cache=tmp_path / "cache",
        state=tmp_path / "state",
        kafka_port=0,
        controller_port=0,
        redis_port=0,
    )


@pytest.fixture
def started() -> Iterator[Starter]:
    """Starts a test server; whatever happens in the test, its process group (the server
    and the child holding its socket) is gone afterwards."""
    groups: list[int] = []

    def start(service: devinfra.Service, layout: devinfra.DevLayout) -> None:
        devinfra.ensure_all_running((service,), layout)
        groups.append(int((layout.run / f"{service.name}.pid").read_text()))
        deadline = time.monotonic() + 10
        while not devinfra._port_open(service.ports[0]):
            assert time.monotonic() < deadline, "the test server never listened"
            time.sleep(0.05)

    yield start
    for group in groups:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)


def test_stop_returns_only_once_the_port_is_free(tmp_path: Path, started: Starter) -> None:
    port = _free_port()
    service, layout = _service(port, hold_s=1.5, tmp_path=tmp_path), _layout(tmp_path)
    started(service, layout)

    assert devinfra.stop_all((service,), layout) == ["lingering"]

    assert not devinfra._port_open(port)
    assert not (layout.run / "lingering.pid").exists()


def test_a_port_still_held_after_the_timeout_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: Starter
) -> None:
    port = _free_port()
    service, layout = _service(port, hold_s=5.0, tmp_path=tmp_path), _layout(tmp_path)
    started(service, layout)
    monkeypatch.setattr(devinfra, "PORT_RELEASE_TIMEOUT_S", 0.5)

    still_held = rf"lingering .* port\(s\) {port} .* still accept"
    with pytest.raises(devinfra.DevInfraError, match=still_held):
        devinfra.stop_all((service,), layout)

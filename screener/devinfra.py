"""Local Kafka and Redis for development and integration tests, without Docker.

`up()` makes sure a single-node Apache Kafka (KRaft, combined broker and controller) and a
Redis answer on loopback, starting whatever is missing; `down()` stops only what `up()`
started. Nothing is written into the repository:

* Kafka jars come from Maven Central (through `mvn`, see `devinfra_kafka_pom.xml`) into the
  cache directory, `$SCREENER_CACHE_DIR` or `~/.cache/screener`;
* data, configuration, logs (`logs/`) and pid files (`run/`) live in the state directory,
  `$SCREENER_DEV_HOME` or `<cache>/dev`.

Progress goes to the "screener.devinfra" logger; stdout is left to the caller.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import logging
import os
import shlex
import shutil
import signal
import socket
import subprocess
import time
import uuid
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import redis
from kafka import KafkaAdminClient
from kafka.errors import KafkaError

log = logging.getLogger("screener.devinfra")

HOST = "127.0.0.1"
KAFKA_READY_TIMEOUT_S = 90.0
REDIS_READY_TIMEOUT_S = 15.0
STOP_TIMEOUT_S = 30.0
# After the process is gone: the time its ports may take to be released (see
# _wait_until_ports_close).
PORT_RELEASE_TIMEOUT_S = 10.0
LOG_TAIL_LINES = 40

_POM_RESOURCE = "devinfra_kafka_pom.xml"
_POM_NAMESPACE = {"m": "http://maven.apache.org/POM/4.0.0"}
_JAVA_PACKAGES = ("maven", "openjdk-17-jre-headless")
_REDIS_PACKAGES = ("redis-server",)

# The services outlive `up()`. Keeping their Popen objects stops Python from warning that a
# child "is still running" whenever one of them would be garbage-collected.
_spawned: list[subprocess.Popen[bytes]] = []


class DevInfraError(RuntimeError):
    """The local infrastructure could not be prepared, started or stopped."""


@dataclass(frozen=True)
class DevLayout:
    """Where a local setup keeps its jars (cache), state, logs and pid files, and the first
    of its ports."""

    cache: Path
    state: Path
    kafka_port: int
    controller_port: int
    redis_port: int

    @property
    def logs(self) -> Path:
        return self.state / "logs"

    @property
    def run(self) -> Path:
        return self.state / "run"


@dataclass(frozen=True)
class _Layout(DevLayout):
    @classmethod
    def from_env(cls) -> _Layout:
        cache = Path(os.environ.get("SCREENER_CACHE_DIR") or Path.home() / ".cache" / "screener")
        state = Path(os.environ.get("SCREENER_DEV_HOME") or cache / "dev")
        return cls(
            cache=cache.expanduser(),
            state=state.expanduser(),
            kafka_port=port_from_env("SCREENER_DEV_KAFKA_PORT", 9092),
            controller_port=port_from_env("SCREENER_DEV_KAFKA_CONTROLLER_PORT", 9093),
            redis_port=port_from_env("SCREENER_DEV_REDIS_PORT", 6379),
        )

    @property
    def kafka_home(self) -> Path:
        return self.state / "kafka"

    @property
    def kafka_data(self) -> Path:
        return self.kafka_home / "data"

    @property
    def redis_data(self) -> Path:
        return self.state / "redis"

    @property
    def kafka_bootstrap(self) -> str:
        return f"{HOST}:{self.kafka_port}"

    @property
    def redis_url(self) -> str:
        return f"redis://{HOST}:{self.redis_port}/0"


@dataclass(frozen=True)
class Service:
    name: str  # names the pid file and the log file
    # Part of the command line of the running process; proves a pid from a pid file still
    # belongs to this service, since pids get reused.
    cmdline_marker: str
    ports: tuple[int, ...]
    ready_timeout_s: float
    answers: Callable[[], bool]
    # Prepares whatever the service needs on disk and returns the command that runs it.
    prepare: Callable[[], list[str]]


def up() -> dict[str, str]:
    """Ensure Kafka and Redis run on loopback; return the settings that point at them."""
    layout = _Layout.from_env()
    for service in _services(layout):
        _ensure_running(service, layout)
    return {
        "SCREENER_KAFKA_BOOTSTRAP": layout.kafka_bootstrap,
        "SCREENER_REDIS_URL": layout.redis_url,
    }


def down() -> list[str]:
    """Stop the services that `up()` started; return their names."""
    layout = _Layout.from_env()
    return stop_all(_services(layout), layout)


def stop_all(services: Sequence[Service], layout: DevLayout) -> list[str]:
    """Stop those of the services this module started; return their names.

    All are signalled before any is waited for: a Kafka broker stopped after the other
    members of its controller quorum waits for a quorum that is gone.
    """
    running = [(service, _live_pid(service, layout)) for service in reversed(services)]
    for service, pid in running:
        if pid is not None:
            log.info("stopping %s (pid %d)", service.name, pid)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
    stopped = []
    for service, pid in running:
        if pid is not None:
            _terminate(pid, service)
            _pid_file(service, layout).unlink(missing_ok=True)
            stopped.append(service.name)
    return stopped


def send_signal(service: Service, layout: DevLayout, sig: signal.Signals) -> int:
    """Signal a service this module started (the fault tests stop, continue or kill
    one); return its pid."""
    pid = _live_pid(service, layout)
    if pid is None:
        raise DevInfraError(f"{service.name} is not running as started by up()")
    os.kill(pid, sig)
    return pid


def kill(service: Service, layout: DevLayout) -> int:
    """SIGKILL a service this module started, as a crash would end it; return its pid.
    `ensure_all_running` starts it again."""
    pid = send_signal(service, layout, signal.SIGKILL)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while _is_alive(pid, service.cmdline_marker):
        if time.monotonic() > deadline:
            raise DevInfraError(f"{service.name} (pid {pid}) survived SIGKILL")
        time.sleep(0.05)
    _wait_until_ports_close(service, pid)
    _pid_file(service, layout).unlink(missing_ok=True)
    return pid


def _services(layout: _Layout) -> tuple[Service, Service]:
    # Redis first: it is ready within moments, so a broken setup fails fast.
    redis_service = Service(
        name="redis",
        cmdline_marker="redis-server",
        ports=(layout.redis_port,),
        ready_timeout_s=REDIS_READY_TIMEOUT_S,
        answers=lambda: redis_answers(layout.redis_url),
        prepare=lambda: _prepare_redis(layout),
    )
    kafka_service = Service(
        name="kafka",
        cmdline_marker="kafka.Kafka",
        ports=(layout.kafka_port, layout.controller_port),
        ready_timeout_s=KAFKA_READY_TIMEOUT_S,
        answers=lambda: kafka_answers(layout.kafka_port),
        prepare=lambda: _prepare_kafka(layout),
    )
    return redis_service, kafka_service


# --- lifecycle shared by both services ------------------------------------------------------


def _ensure_running(service: Service, layout: DevLayout) -> None:
    ensure_all_running((service,), layout)


def ensure_all_running(services: Sequence[Service], layout: DevLayout) -> None:
    """Start whichever of the services is not running, then wait until all are ready.

    Starting them all before waiting matters for a cluster: a Kafka controller quorum or a
    Redis Cluster answers only once enough of its members run.
    """
    waiting: list[tuple[Service, Callable[[], bool]]] = []
    started: list[tuple[Service, subprocess.Popen[bytes]]] = []
    try:
        for service in services:
            pid = _live_pid(service, layout)
            if pid is not None:
                log.info("%s: already started by an earlier up() (pid %d)", service.name, pid)
                waiting.append((service, functools.partial(_is_alive, pid, service.cmdline_marker)))
                continue
            if service.answers():
                log.info(
                    "%s: already answering on %s:%d, reusing it (down() will leave it alone)",
                    service.name,
                    HOST,
                    service.ports[0],
                )
                continue
            busy = ", ".join(str(port) for port in service.ports if _port_open(port))
            if busy:
                raise DevInfraError(
                    f"{service.name}: port(s) {busy} on {HOST} are taken by something that "
                    f"does not answer as {service.name}; stop it or choose other ports"
                )
            process = _start(service, layout)
            started.append((service, process))
            waiting.append((service, functools.partial(_poll_is_none, process)))
        for service, alive in waiting:
            elapsed = _wait_until_ready(service, layout, alive)
            log.info("%s: ready after %.1f s", service.name, elapsed)
    except DevInfraError:
        # A half-started service would only be found and waited for again by the next up().
        for service, process in started:
            if process.poll() is None:
                _terminate(process.pid, service)
            _pid_file(service, layout).unlink(missing_ok=True)
        raise


def _poll_is_none(process: subprocess.Popen[bytes]) -> bool:
    return process.poll() is None


def _start(service: Service, layout: DevLayout) -> subprocess.Popen[bytes]:
    command = service.prepare()
    log_path = _log_file(service, layout)
    log.info("%s: starting (log: %s)", service.name, log_path)
    process = _spawn(command, log_path, cwd=layout.state)
    pid_file = _pid_file(service, layout)
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.write_text(f"{process.pid}\n")
    return process


def _spawn(command: Sequence[str], log_path: Path, cwd: Path) -> subprocess.Popen[bytes]:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    cwd.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as out:
        # The log is appended to across runs; the banner tells where this run begins.
        banner = f"\n===== {time.strftime('%Y-%m-%d %H:%M:%S')} {shlex.join(command)}\n"
        out.write(banner.encode())
        out.flush()
        # cwd: stray files such as JVM crash reports then land in the state directory,
        # not wherever up() was called from.
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            start_new_session=True,
        )
    _spawned.append(process)
    return process


def _wait_until_ready(service: Service, layout: DevLayout, alive: Callable[[], bool]) -> float:
    started = time.monotonic()
    deadline = started + service.ready_timeout_s
    while not service.answers():
        if not alive():
            problem = "exited before it was ready"
        elif time.monotonic() >= deadline:
            problem = f"not ready after {service.ready_timeout_s:.0f} s"
        else:
            time.sleep(0.25)
            continue
        log_path = _log_file(service, layout)
        raise DevInfraError(
            f"{service.name} {problem}; last {LOG_TAIL_LINES} lines of {log_path}:\n"
            + _tail(log_path, LOG_TAIL_LINES)
        )
    return time.monotonic() - started


def _live_pid(service: Service, layout: DevLayout) -> int | None:
    """The pid recorded by an earlier up() if that process still runs; drops stale pid files."""
    pid_file = _pid_file(service, layout)
    try:
        pid = int(pid_file.read_text().strip())
    except FileNotFoundError:
        return None
    except ValueError:
        pid = 0
    if pid > 0 and _is_alive(pid, service.cmdline_marker):
        return pid
    log.info("%s: removing stale pid file %s", service.name, pid_file)
    pid_file.unlink(missing_ok=True)
    return None


def _is_alive(pid: int, cmdline_marker: str) -> bool:
    # A service started by this very process stays a zombie, which still "exists", until it
    # is waited for.
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, but another user's; the command line check below decides
    if not Path("/proc/self").exists():
        return True  # no procfs (e.g. macOS): the pid is all there is to go on
    try:
        return cmdline_marker.encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _terminate(pid: int, service: Service) -> None:
    def signal_and_wait(sig: signal.Signals, timeout_s: float) -> bool:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not _is_alive(pid, service.cmdline_marker):
                return True
            time.sleep(0.2)
        return False

    if not signal_and_wait(signal.SIGTERM, STOP_TIMEOUT_S):
        log.warning("pid %d ignored SIGTERM for %.0f s, sending SIGKILL", pid, STOP_TIMEOUT_S)
        if not signal_and_wait(signal.SIGKILL, 5.0):
            raise DevInfraError(f"pid {pid} survived SIGKILL")
    _wait_until_ports_close(service, pid)


def _wait_until_ports_close(service: Service, pid: int) -> None:
    """A stop is done when the service's ports are free, not when its pid is gone.

    The pid stops looking alive as soon as the main thread has exited (its command line
    reads empty), but a JVM's other threads still hold the listening socket while they
    tear down, so a caller that connects or starts a new process right away finds the
    port taken.
    """
    deadline = time.monotonic() + PORT_RELEASE_TIMEOUT_S
    while busy := [port for port in service.ports if _port_open(port)]:
        if time.monotonic() > deadline:
            raise DevInfraError(
                f"{service.name} (pid {pid}) has exited, but port(s) "
                f"{', '.join(map(str, busy))} on {HOST} still accept connections after "
                f"{PORT_RELEASE_TIMEOUT_S:.0f} s"
            )
        time.sleep(0.1)


def _pid_file(service: Service, layout: DevLayout) -> Path:
    return layout.run / f"{service.name}.pid"


def _log_file(service: Service, layout: DevLayout) -> Path:
    return layout.logs / f"{service.name}.log"


# --- Kafka ----------------------------------------------------------------------------------


_KAFKA_HEAP = "1g"
_KAFKA_JVM_OPTIONS = (
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-Djava.awt.headless=true",
)


@dataclass(frozen=True)
class KafkaNode:
    """One KRaft process that is both a broker and a controller."""

    node_id: int
    broker_port: int
    controller_port: int
    home: Path  # configuration; data under data/

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def voter(self) -> str:
        return f"{self.node_id}@{HOST}:{self.controller_port}"


def _prepare_kafka(layout: _Layout) -> list[str]:
    node = KafkaNode(1, layout.kafka_port, layout.controller_port, layout.kafka_home)
    return prepare_kafka_node(layout.cache, node, (node,), _KAFKA_HEAP, cluster_id=None)


def prepare_kafka_node(
    cache: Path,
    node: KafkaNode,
    quorum: Sequence[KafkaNode],
    heap: str,
    cluster_id: str | None,
) -> list[str]:
    """Write the node's configuration, format its storage on first use (with `cluster_id`,
    which every member of a quorum shares; a new one when None) and return its command."""
    libs = _ensure_kafka_libs(cache)
    require(["java"], _JAVA_PACKAGES)
    node.home.mkdir(parents=True, exist_ok=True)
    server_properties = node.home / "server.properties"
    server_properties.write_text(_kafka_server_properties(node, quorum))
    log4j_properties = node.home / "log4j.properties"
    log4j_properties.write_text(_KAFKA_LOG4J)

    def java(*args: str) -> list[str]:
        return [
            "java",
            # kafka-server-start.sh's defaults. A fixed heap matters on a small machine:
            # left to size itself, G1 kept it small and ran a concurrent cycle every few
            # seconds under load, each taking most of a core from the worker.
            f"-Xms{heap}",
            f"-Xmx{heap}",
            *_KAFKA_JVM_OPTIONS,
            f"-Dlog4j.configuration={log4j_properties.as_uri()}",
            "-cp",
            f"{libs}/*",  # java expands the wildcard itself
            *args,
        ]

    # meta.properties is what formatting writes; a formatted log dir must keep its cluster id.
    if not (node.data / "meta.properties").exists():
        cluster_id = cluster_id or new_cluster_id()
        log.info("kafka: formatting %s (cluster id %s)", node.data, cluster_id)
        format_command = ["kafka.tools.StorageTool", "format", "-t", cluster_id]
        run_command(java(*format_command, "-c", str(server_properties)), "kafka storage format")
    return java("kafka.Kafka", str(server_properties))


def _kafka_server_properties(node: KafkaNode, quorum: Sequence[KafkaNode]) -> str:
    broker = f"{HOST}:{node.broker_port}"
    controller = f"{HOST}:{node.controller_port}"
    # Every broker holds a replica of the internal topics; a cluster keeps accepting
    # writes with one broker down (the topics' own replication is the screener's choice).
    replicas = min(len(quorum), 3)
    in_sync = max(1, replicas - 1)
    properties = {
        "process.roles": "broker,controller",
        "node.id": str(node.node_id),
        "controller.quorum.voters": ",".join(member.voter for member in quorum),
        "listeners": f"PLAINTEXT://{broker},CONTROLLER://{controller}",
        "advertised.listeners": f"PLAINTEXT://{broker}",
        "controller.listener.names": "CONTROLLER",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "inter.broker.listener.name": "PLAINTEXT",
        "log.dirs": str(node.data),
        "num.partitions": "3",
        "default.replication.factor": str(replicas),
        "min.insync.replicas": str(in_sync),
        # Internal topics with 3 partitions instead of 50 are created in a fraction of the
        # time on first use.
        "offsets.topic.replication.factor": str(replicas),
        "offsets.topic.num.partitions": "3",
        "transaction.state.log.replication.factor": str(replicas),
        "transaction.state.log.min.isr": str(in_sync),
        "transaction.state.log.num.partitions": "3",
        # Nobody else is going to join: do not hold the first rebalance back.
        "group.initial.rebalance.delay.ms": "0",
        "auto.create.topics.enable": "true",
        "log.retention.hours": "24",
    }
    if len(quorum) > 1:
        # Three brokers share two cores with everything else: fewer threads each.
        properties |= {"num.network.threads": "2", "num.io.threads": "2"}
    header = "# Written by screener.devinfra on every start; edits are overwritten.\n"
    return header + "".join(f"{key}={value}\n" for key, value in properties.items())


# The broker's stdout is redirected to logs/kafka.log, so a console appender puts everything in
# that one file, instead of the several files Kafka's stock configuration writes.
_KAFKA_LOG4J = """\
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
"""


def new_cluster_id() -> str:
    while True:
        # Kafka's Uuid text form: URL-safe base64 of 16 bytes, without padding.
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        # A leading "-" would be parsed as an option by StorageTool (Kafka avoids it too).
        if not cluster_id.startswith("-"):
            return cluster_id


def _ensure_kafka_libs(cache: Path) -> Path:
    pom = resources.files("screener").joinpath(_POM_RESOURCE)
    pom_bytes = pom.read_bytes()
    version = ET.fromstring(pom_bytes).findtext(
        "m:properties/m:kafka.version", namespaces=_POM_NAMESPACE
    )
    if not version:
        raise DevInfraError(f"{_POM_RESOURCE} does not define the kafka.version property")
    home = cache / f"kafka-{version}"
    libs = home / "libs"
    # Written only after mvn succeeded, so an interrupted download is redone; holding the
    # pom's digest also redoes it when the pom changes.
    marker = home / "libs.complete"
    digest = hashlib.sha256(pom_bytes).hexdigest()
    if libs.is_dir() and marker.is_file() and marker.read_text().strip() == digest:
        return libs

    require(["mvn", "java"], _JAVA_PACKAGES)
    marker.unlink(missing_ok=True)
    shutil.rmtree(libs, ignore_errors=True)  # no stale jars from another pom on the classpath
    log.info("kafka: fetching Kafka %s jars from Maven Central into %s", version, libs)
    with resources.as_file(pom) as pom_path:
        run_command(
            [
                "mvn", "-q", "-B", "-f", str(pom_path),
                "dependency:copy-dependencies",
                "-DincludeScope=runtime",
                f"-DoutputDirectory={libs}",
            ],
            "mvn dependency:copy-dependencies",
        )  # fmt: skip
    marker.write_text(f"{digest}\n")
    return libs


def kafka_answers(port: int) -> bool:
    if not _port_open(port):
        return False  # skips the client, which logs every refused connection loudly
    return kafka_broker_count(f"{HOST}:{port}") > 0


def kafka_broker_count(bootstrap: str) -> int:
    """How many brokers the cluster's metadata lists (0 when it does not answer)."""
    try:
        admin = KafkaAdminClient(
            bootstrap_servers=bootstrap,
            client_id="screener-devinfra",
            request_timeout_ms=5000,
            api_version_auto_timeout_ms=5000,
        )
    except (KafkaError, OSError):
        return 0
    try:
        return len(admin.describe_cluster().get("brokers") or [])
    except (KafkaError, OSError):
        return 0
    finally:
        admin.close()


# --- Redis ----------------------------------------------------------------------------------


def redis_command(
    port: int, data: Path, log_file: Path, *extra: str, config_file: Path | None = None
) -> list[str]:
    """A Redis on loopback with the development persistence; `extra` adds options.
    `config_file` is read first, and is where CONFIG REWRITE (as Sentinel uses it) keeps
    what changes at run time."""
    require(["redis-server"], _REDIS_PACKAGES)
    data.mkdir(parents=True, exist_ok=True)
    return [
        "redis-server",
        *([str(config_file)] if config_file is not None else []),
        "--port", str(port),
        "--bind", HOST,
        *REDIS_PERSISTENCE,
        "--daemonize", "no",
        "--logfile", str(log_file),
        "--dir", str(data),
        *extra,
    ]  # fmt: skip


def _prepare_redis(layout: _Layout) -> list[str]:
    return redis_command(layout.redis_port, layout.redis_data, layout.logs / "redis.log")


# As deploy/README.md asks of production: every write appended to a log that is flushed to
# disk once a second (at most a second of writes lost with the machine), no RDB snapshots
# on top of it.
REDIS_PERSISTENCE = ("--appendonly", "yes", "--appendfsync", "everysec", "--save", "")


def redis_answers(url: str) -> bool:
    try:
        with redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0) as client:
            return bool(client.ping())
    except redis.RedisError:
        return False


# --- helpers --------------------------------------------------------------------------------


def require(commands: Sequence[str], packages: Sequence[str]) -> None:
    """Make sure the commands exist, installing the Debian packages when that is possible."""
    missing = [command for command in commands if shutil.which(command) is None]
    if not missing:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise DevInfraError(
            f"{', '.join(missing)} not found on PATH; install {' '.join(packages)} "
            "(Debian/Ubuntu package names) and try again"
        )
    log.info("installing %s with apt-get (missing: %s)", " ".join(packages), ", ".join(missing))
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run_command(["apt-get", "update"], "apt-get update", env=env)
    run_command(["apt-get", "install", "-y", *packages], "apt-get install", env=env)


def run_command(command: Sequence[str], what: str, env: dict[str, str] | None = None) -> None:
    # Output is captured, never inherited: the caller's stdout carries only KEY=VALUE lines.
    result = subprocess.run(
        command, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, check=False
    )
    if result.returncode != 0:
        output = "\n".join((result.stdout + result.stderr).splitlines()[-LOG_TAIL_LINES:])
        raise DevInfraError(
            f"{what} failed (exit {result.returncode}): {shlex.join(command)}\n{output}"
        )


def port_from_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        port = int(raw)
    except ValueError:
        port = -1
    if not 0 < port < 65536:
        raise DevInfraError(f"{name}={raw!r} is not a TCP port number")
    return port


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


def _tail(path: Path, lines: int) -> str:
    try:
        with path.open(errors="replace") as file:
            return "".join(deque(file, maxlen=lines))
    except FileNotFoundError:
        return f"({path} does not exist)\n"

"""Sampling the running worker with py-spy, and summarising where its time goes.

py-spy attaches to the worker's process from outside (no code change; it pauses the process
for each sample, a few per cent of overhead at 100 Hz, but reads consistent stacks) and
records only samples in which a thread is running, so the
share of the main thread's samples in all possible samples is how busy it was; the rest of
the time it was waiting on Kafka or Redis.

Each sample is charged to the innermost frame in the screener's own code (its callees in
libraries, orjson or the redis client's parser, count with it), then grouped into areas.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SAMPLE_RATE = 100  # per second: enough samples in a minute, little overhead

_FRAME = re.compile(r"^(?P<function>.*) \((?P<path>.*):(?P<line>\d+)\)$")

# (area, a path fragment of the innermost screener frame, a function name or None for any)
_AREAS = (
    ("decode and validate input (boundary)", "screener/boundary.py", None),
    ("decode and validate input (boundary)", "screener/schemas.py", None),
    ("Redis: load state and parse it", "screener/adapters/redis_store.py", "load"),
    ("Redis: save the batch", "screener/adapters/redis_store.py", "save"),
    ("Redis: other store calls", "screener/adapters/redis_store.py", None),
    ("Kafka: publish and wait for acks", "screener/adapters/kafka_publisher.py", None),
    ("rules (pure core)", "screener/domain/rules/", None),
    ("rules (pure core)", "screener/domain/screening.py", "screen"),
    ("rules (pure core)", "screener/domain/decision.py", None),
    ("customer history: remember, serialise", "screener/domain/history.py", None),
    ("customer history: remember, serialise", "screener/domain/screening.py", None),
    ("account flows: parse, merge", "screener/domain/accounts.py", None),
    ("decision records", "screener/records.py", None),
    ("metrics", "screener/metrics.py", None),
    ("Redis: pack commands (hiredis)", "screener/adapters/redis_client.py", None),
    ("service: batch bookkeeping", "screener/service.py", None),
    ("Kafka: take batches, commit offsets", "screener/adapters/kafka_consumer.py", None),
    ("worker timers", "screener/worker/app.py", None),
)
# Entry points: a sample whose innermost screener frame is one of these is library work
# (the Faust worker's own loops), charged to the library.
_ENTRY_POINTS = ("screener/cli.py", "screener/worker/run.py", "screener/__main__")


class Sampler:
    """`py-spy record` on one process until `stop()`."""

    def __init__(self, pid: int, output: Path, log: Path) -> None:
        self.output = output
        binary = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        with open(log, "ab") as out:
            self._process = subprocess.Popen(
                [
                    binary,
                    "record",
                    "--pid",
                    str(pid),
                    "--rate",
                    str(SAMPLE_RATE),
                    "--format",
                    "raw",
                    "--full-filenames",
                    "--threads",
                    "--output",
                    str(output),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def stop(self) -> None:
        """SIGINT makes py-spy write its output and exit."""
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)
        self._process.wait(timeout=60)


@dataclass(frozen=True, slots=True)
class Frame:
    function: str
    path: str

    @property
    def short(self) -> str:
        for marker in ("site-packages/", "/screener/", "lib/python3.11/"):
            if marker in self.path:
                tail = self.path.split(marker, 1)[1]
                prefix = "screener/" if marker == "/screener/" else ""
                return f"{prefix}{tail}:{self.function}"
        return f"{self.path}:{self.function}"

    @property
    def in_screener(self) -> bool:
        return (
            "/screener/" in self.path
            and "site-packages" not in self.path
            and not any(entry in self.path for entry in _ENTRY_POINTS)
        )


def summarise(raw: Path, seconds: float, top: int = 15) -> dict[str, Any]:
    """The main thread's busy share; time per area, per step of the service's
    `screen_and_save` and `deliver` (inclusive), per screener function and per leaf."""
    stacks: list[tuple[list[Frame], int]] = []
    for line in raw.read_text().splitlines():
        head, _, samples = line.rpartition(" ")
        thread, _, rest = head.partition(";")
        if not thread.endswith("MainThread") or not samples.isdigit():
            continue
        parsed = [_frame(text) for text in rest.split(";") if text]
        stacks.append(([f for f in parsed if f is not None], int(samples)))
    total = sum(count for _, count in stacks)
    areas: Counter[str] = Counter()
    owners: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    steps: Counter[str] = Counter()
    for frames, count in stacks:
        inner = next((f for f in reversed(frames) if f.in_screener), None)
        areas[_area(inner, frames)] += count
        steps[_step(frames)] += count
        owners[inner.short if inner else "(outside the screener: " + _library(frames) + ")"] += (
            count
        )
        if frames:
            leaves[frames[-1].short] += count
    possible = seconds * SAMPLE_RATE

    def shares(counter: Counter[str], limit: int | None = None) -> list[tuple[str, float]]:
        return [(name, n / total) for name, n in counter.most_common(limit)] if total else []

    return {
        "seconds": seconds,
        "samples": total,
        "busy_share": min(total / possible, 1.0) if possible else 0.0,
        "areas": shares(areas),
        "steps": shares(steps, top),
        "functions": shares(owners, top),
        "leaves": shares(leaves, top),
    }


def _frame(text: str) -> Frame | None:
    match = _FRAME.match(text)
    return Frame(match["function"], match["path"]) if match else None


def _area(inner: Frame | None, frames: list[Frame]) -> str:
    if inner is None:
        return f"outside the screener: {_library(frames)}"
    for area, fragment, function in _AREAS:
        if fragment not in inner.path:
            continue
        if function is None:
            return area
        # A helper or a generator inside `load` is `load`'s work: look up the stack.
        callers = [f.function.split(".<locals>", 1)[0] for f in frames if fragment in f.path]
        if any(name.endswith(function) for name in callers):
            return area
    return "other screener code"


# The service's two entry points: the worker calls them in turn for each batch.
_STEP_ENTRIES = ("ScreeningService.screen_and_save", "ScreeningService.deliver")


def _step(frames: list[Frame]) -> str:
    """The step of the batch's screening or delivery a sample is in (the frame just below
    `screen_and_save` or `deliver`), or, outside them, the library."""
    below = None
    for index, frame in enumerate(frames):
        if frame.function.endswith(_STEP_ENTRIES):
            below = frames[index + 1] if index + 1 < len(frames) else frame
    if below is None:
        return f"outside the service: {_library(frames)}"
    return below.short


def _library(frames: list[Frame]) -> str:
    """Which library a sample outside the screener was in: the innermost third-party frame
    (the standard library's asyncio and sockets serve whichever library called them)."""
    for frame in reversed(frames):
        # mode's Worker only runs the loop: a sample with nothing else is the loop's own work.
        if "site-packages/" in frame.path and "mode/worker.py" not in frame.path:
            package = frame.path.split("site-packages/", 1)[1].split("/", 1)[0]
            return _LIBRARIES.get(package, package)
    return "asyncio event loop"


_LIBRARIES = {
    "aiokafka": "Kafka client (aiokafka: fetch, produce)",
    "kafka": "Kafka client (kafka-python)",
    "faust": "Faust (consumer, streams, timers)",
    "mode": "Faust (consumer, streams, timers)",  # mode is Faust's service framework
    "asyncio": "asyncio event loop",
}

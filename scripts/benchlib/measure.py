"""Running one command and measuring it: wall time and the peak memory of that process alone.

``os.wait4`` returns the resource usage of the one child it reaps (with the
children it waited for), so each measurement has its own peak resident set
size, not the maximum over every child the benchmark ever started, which is
what ``resource.getrusage(RUSAGE_CHILDREN)`` would give. A forked child starts
with its parent's resident size, which Linux counts in the child's peak: the
command is therefore started through GNU time (``/usr/bin/time``, a 1 MB
process) when it is installed, which reads the peak the same way.
"""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path


def _gnu_time() -> str | None:
    path = shutil.which("time", path="/usr/bin:/bin:/usr/local/bin")
    if not path:
        return None
    probe = subprocess.run([path, "--quiet", "-f", "%M", "true"], capture_output=True, text=True)
    return path if probe.returncode == 0 and probe.stderr.strip().isdigit() else None


GNU_TIME = _gnu_time()


@dataclass
class Run:
    command: list[str]
    seconds: float
    peak_bytes: int
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def failure(self) -> str:
        lines = (self.stderr or self.stdout).strip().splitlines()
        return f"exit {self.returncode}: {lines[-1][:160] if lines else 'no output'}"


def run(
    command: list[str], *, cwd: Path | None = None, env: dict | None = None, timeout: float | None = 3600
) -> Run:
    """Run ``command`` to its end; its output goes to temporary files (no pipe to drain)."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile(suffix=".rss") as rss,
    ):
        launcher = [GNU_TIME, "--quiet", "-f", "%M", "-o", rss.name] if GNU_TIME else []
        started = time.perf_counter()
        process = subprocess.Popen(
            [*launcher, *command], cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
        timer = threading.Timer(timeout, process.kill) if timeout else None
        if timer:
            timer.start()
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        finally:
            if timer:
                timer.cancel()
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
        peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
        if GNU_TIME:
            with contextlib.suppress(OSError, ValueError, IndexError):  # killed before GNU time wrote it
                peak = int(Path(rss.name).read_text().split()[-1]) * 1024  # else wait4's figure stays
        return Run(
            command,
            seconds,
            peak,
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``share`` of the values at or below it."""
    ordered = sorted(values)
    rank = max(1, -(-int(share * 100) * len(ordered) // 100))
    return ordered[min(rank, len(ordered)) - 1]


def seconds_text(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"
    return f"{seconds:.1f} s" if seconds < 100 else f"{seconds:.0f} s"


def bytes_text(size: int | None) -> str:
    if size is None:
        return "-"
    if size >= 1024**3:
        return f"{size / 1024**3:.2f} GB"
    if size >= 1024**2:
        return f"{size / 1024**2:.0f} MB"
    return f"{size / 1024:.0f} KB"


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024**2:.1f} GB"
                break
    except OSError:
        pass
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 0
    return {
        "cpus": str(cpus),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }

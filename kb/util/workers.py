"""Worker processes: how many CPUs a run may use, whether forking is safe, and a pause of the
garbage collector while thousands of objects are made. Shared by ``kb check``, the index build and
the site generator, each of which shares its work among forked processes past a size."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager


def cpus_available() -> int:
    """CPUs this process may run on: one worker process each, where work is shared."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Worker processes are forked (cheap, nothing to re-import); forking a process that runs
    other threads can deadlock, so then everything runs here."""
    import multiprocessing
    import threading

    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while thousands of reports are built.

    Reports make no reference cycles, but each full collection walks every object alive, and
    10,000 reports trigger a dozen of them: a quarter of ``kb check``'s time. The previous
    state is restored on the way out.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

"""Commands for the processes ``kb build`` and ``kb serve`` start (MkDocs, Pagefind), made to die
with the kb process that started them.

Killed with SIGKILL, kb cannot stop its children, and an orphaned MkDocs would go on writing:
after the next ``kb build`` had cleaned up, it re-created its ``.site.new-*`` folder. So each
child runs a short Python prelude first: on Linux it asks the kernel, with
``prctl(PR_SET_PDEATHSIG, SIGKILL)``, to kill it when its parent dies (the setting survives the
``exec`` that Pagefind's launcher does into its binary), checks that the parent did not die
before that, and then runs the module (``python -m mkdocs``, ``python -m pagefind``) as usual.
Elsewhere the prelude only runs the module. The prelude is ``-c`` text, not a kb module: the
child imports nothing of kb.

The kernel ties the signal to the thread that started the child: kb starts them from its main
thread, and MkDocs' ``serve`` runs its builds (and kb's hooks, which start Pagefind) in its own.

Stopping ``kb serve`` (Ctrl-C, SIGTERM, SIGHUP) must stop everything it started, on any system and
whatever the child was doing: ``mkdocs serve`` runs in a process group of its own
(:func:`start_in_group`), and everything it starts (Pagefind) stays in that group; when kb is
asked to stop, it sends SIGTERM to the whole group, waits for it, and kills what is left. Pages
are regenerated in the kb process itself (:mod:`kb.site.incremental`), which stops with it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PR_SET_PDEATHSIG = 1
_PRELUDE = f"""\
import ctypes, os, runpy, signal, sys
parent = int(sys.argv.pop(1))
try:
    ctypes.CDLL(None, use_errno=True).prctl({PR_SET_PDEATHSIG}, signal.SIGKILL)
except (OSError, AttributeError):  # not Linux: no such call
    pass
if os.getppid() != parent:  # the parent died before the call: nobody is left to wait for us
    sys.exit(1)
runpy.run_module(sys.argv.pop(1), run_name="__main__", alter_sys=True)
"""


def python_module(module: str, *args: str) -> list[str]:
    """The command running ``python -m module args`` as a child that dies with this process."""
    return [sys.executable, "-c", _PRELUDE, str(os.getpid()), module, *args]


#: Seconds a stopped group gets to exit after SIGTERM before it is killed.
STOP_GRACE = 10.0
#: Signals that stop ``kb serve`` as Ctrl-C does.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


@contextmanager
def stopped_by_signals() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise :class:`KeyboardInterrupt` as Ctrl-C does, so
    that ``finally`` clauses stop child processes. Only the main thread may set handlers: elsewhere
    the block runs unchanged. The previous handlers come back afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(_number, _frame) -> None:
        raise KeyboardInterrupt

    previous = {number: signal.signal(number, interrupt) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def run_in_group(command: list[str], *, cwd: Path, env: dict[str, str]) -> int:
    """Run ``command`` in a new process group and wait for it; its exit status. However the wait
    ends (the child exits, Ctrl-C, or a signal turned into one by :func:`stopped_by_signals`), the
    whole group is stopped and the child reaped before this returns or raises."""
    process = start_in_group(command, cwd=cwd, env=env)
    try:
        return process.wait()
    finally:
        stop_group(process)


def start_in_group(command: list[str], *, cwd: Path, env: dict[str, str]) -> subprocess.Popen:
    """Start ``command`` in a new process group; the caller stops it with :func:`stop_group`
    however its wait ends (``kb serve`` regenerates pages meanwhile)."""
    return subprocess.Popen(command, cwd=cwd, env=env, **_new_group())


def _new_group() -> dict:
    return {"process_group": 0} if os.name == "posix" else {}


def stop_group(process: subprocess.Popen, grace: float = STOP_GRACE) -> None:
    """SIGTERM to the process group led by ``process`` (or to it alone where there are no groups),
    up to ``grace`` seconds to exit, then SIGKILL to whatever of the group is left; ``process`` is
    reaped. Ctrl-C while waiting goes straight to SIGKILL."""
    if os.name != "posix":
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=grace)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            process.kill()
            process.wait()
        return
    group = process.pid
    try:
        if not _signal_group(group, signal.SIGTERM):
            process.wait()  # the group is gone: only reap the leader
            return
        end = time.monotonic() + grace
        while time.monotonic() < end and _group_alive(group, process):
            time.sleep(0.02)
    except KeyboardInterrupt:
        pass
    finally:
        _signal_group(group, signal.SIGKILL)
        process.wait()
        _wait_for_group_end(group, process)


#: Seconds to wait, after SIGKILL, for the kernel to end what was killed.
KILL_SETTLE = 5.0


def _wait_for_group_end(group: int, leader: subprocess.Popen) -> None:
    """Wait (up to :data:`KILL_SETTLE` seconds) until no process of ``group`` runs. SIGKILL is
    delivered asynchronously: on a loaded machine a killed grandchild was seen still running just
    after ``killpg`` returned, and the caller's promise is that nothing it started is left."""
    end = time.monotonic() + KILL_SETTLE
    while _group_alive(group, leader) and time.monotonic() < end:
        time.sleep(0.01)


def _signal_group(group: int, number: int) -> bool:
    """Send ``number`` to every process of ``group``; False when none is left."""
    try:
        os.killpg(group, number)
    except ProcessLookupError:
        return False
    except PermissionError:  # a member changed its user: nothing of ours to stop
        return False
    return True


def _group_alive(group: int, leader: subprocess.Popen) -> bool:
    """Whether a process of ``group`` still runs (zombies, waiting for their parent, do not count)."""
    leader.poll()
    try:
        names = os.listdir("/proc")
    except OSError:  # no /proc: the leader alone tells
        return leader.returncode is None
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group and fields[0] != b"Z":
            return True
    return False

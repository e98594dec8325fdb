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
"""

from __future__ import annotations

import os
import sys

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

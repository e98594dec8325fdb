"""The ``kb`` command line: parses options, calls one library function per command, prints.

- :mod:`~kb.cli.main`: the ``kb`` group, and the one place where a :class:`kb.errors.KbError`
  becomes ``path:line: error: message (hint)`` and its exit code.
- :mod:`~kb.cli.options`: what several commands share: choices read from the library's own
  lists, the search filters, dates, output formats, progress bars.
- One module per group of commands: :mod:`~kb.cli.authoring` (``check``, ``new``, ``entities``,
  ``import``), :mod:`~kb.cli.searching` (``index``, ``search``, ``related``, ``show``),
  :mod:`~kb.cli.tracking` (``opportunities``, ``targets``), :mod:`~kb.cli.publishing`
  (``build``, ``serve``, ``export``).

Library modules are imported inside each command, so that ``kb --help`` and a cold
``kb search`` import only what they use. The console script is ``kb = "kb.cli:main"``.

May import: every package of kb (it is the top layer); only it imports click or prints.
"""

from kb.cli import authoring, publishing, searching, tracking
from kb.cli.main import main

__all__ = ["authoring", "main", "publishing", "searching", "tracking"]

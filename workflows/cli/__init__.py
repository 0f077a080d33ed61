"""The ``naspe`` command line (:mod:`naspe.workflows.cli.main`), one module per command group.

Help and usage errors are typer's plain (click) text: its rich panels import rich's markdown and
layout modules, about 0.2 s of CPU on every ``--help`` here, a third of a command's start-up.
``TYPER_USE_RICH=1`` in the environment brings them back; typer reads it when first imported,
which is why it is set here, before any module of this package imports typer.
"""

from __future__ import annotations

import os

os.environ.setdefault("TYPER_USE_RICH", "0")

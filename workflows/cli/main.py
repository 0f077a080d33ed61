"""The ``naspe`` command line: one module per command group, registered here; nothing imports this package."""

from __future__ import annotations

import sys

import typer

from naspe.workflows.cli import adhesion, bonding, campaign, demo, results, run
from naspe.workflows.cli.analyze import analyze_app
from naspe.workflows.cli.build import build_app
from naspe.workflows.cli.config import config_app

__all__ = ["app", "main"]

app = typer.Typer(
    help="naspe: MD and DFT workflows for polymer-electrolyte / sodium-metal interfaces.", no_args_is_help=True
)
app.add_typer(build_app, name="build")
app.add_typer(analyze_app, name="analyze")
app.add_typer(config_app, name="config")
for _group in (adhesion, bonding, demo, run, campaign, results):
    _group.register(app)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="naspe")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

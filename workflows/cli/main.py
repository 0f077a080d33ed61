"""The ``naspe`` command line: one module per command group, registered here; nothing imports this package."""

from __future__ import annotations

import sys

import typer

from naspe.workflows.cli import adhesion, bonding, campaign, demo, results, run, validate
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
for _group in (adhesion, bonding, demo, run, campaign, results, validate):
    _group.register(app)


def _given_value(param, argv: list[str]) -> str | None:
    """The text the user typed for option ``param`` (``--opt value`` or ``--opt=value``), if any."""
    for opt in getattr(param, "opts", None) or []:
        for k, token in enumerate(argv):
            if token == opt and k + 1 < len(argv):
                return argv[k + 1]
            if token.startswith(opt + "="):
                return token.split("=", 1)[1]
    return None


def main() -> None:
    """Console-script entry point: usage errors become one line, ``naspe: error: ...``, exit status 2.

    Typer prints a bad option value in a framed box over several lines, after the usage; scripts and
    people reading logs get one line instead, naming the option, the value and what is allowed. A log
    record that cannot be written (a full disk) is dropped silently, as :mod:`logging` does with
    ``raiseExceptions`` off.
    """
    import logging

    # typer vendors click; these are its classes
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

    # a log handler that cannot write (Parsl's log on a full disk) must not print a traceback beside the one line
    # that names the fault; the fault itself reaches naspe through its own writes
    logging.raiseExceptions = False

    try:
        code = app(prog_name="naspe", standalone_mode=False)
    except NoArgsIsHelpError:  # a group without a command: its help was printed
        sys.exit(2)
    except UsageError as err:
        message = " ".join(err.format_message().split())
        given = _given_value(getattr(err, "param", None), sys.argv[1:])
        if given is not None and given not in message:
            message += f" (got {given!r})"
        command = err.ctx.command_path if err.ctx is not None else "naspe"
        typer.echo(f"naspe: error: {message} (see '{command} --help')", err=True)
        sys.exit(2)
    except ClickException as err:
        typer.echo(f"naspe: error: {' '.join(err.format_message().split())}", err=True)
        sys.exit(err.exit_code)
    except typer.Abort:  # Ctrl-C at a prompt or in a command that did not handle it
        typer.echo("naspe: interrupted", err=True)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

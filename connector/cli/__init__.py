"""The ``ahead-connector`` command line.

The commands live in their own modules (``api``, ``auth``, ``sandbox``, ``demo``) under the
Typer app of :mod:`connector.cli.app`; :func:`main` is the console script's entry point.
"""

from connector.cli.app import app


def main() -> None:
    """Entry point of the ``ahead-connector`` command."""
    app(prog_name="ahead-connector")


__all__ = ["app", "main"]

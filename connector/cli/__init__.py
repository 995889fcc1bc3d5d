"""The ``ahead-connector`` command line (placeholder until the CLI lands)."""

import sys


def main() -> None:
    """Entry point of the ``ahead-connector`` command."""
    sys.exit("ahead-connector: the command line is not built yet")

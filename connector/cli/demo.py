"""placeholder"""


def run_demo() -> None:
    """Walk through the AHEAD API against a sandbox inside this process."""

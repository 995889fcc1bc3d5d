"""Where a NetSuite account's SuiteTalk service and WSDL are, and where our own WSDL is.

An account's SuiteTalk domain is ``https://<account>.suitetalk.api.netsuite.com``, the account id
lower-cased with ``_`` turned into ``-`` (``1234567_SB1`` becomes ``1234567-sb1``). Under it, the
WSDL of version ``2023_2`` is at ``/wsdl/v2023_2_0/netsuite.wsdl`` and the SOAP endpoint at
``/services/NetSuitePort_2023_2``. The simulator serves the same paths.
"""

from __future__ import annotations

import re
from pathlib import Path

#: Our trimmed SuiteTalk 2023_2 WSDL, shipped with the package; its XSDs are in ``xsd/`` beside it.
PACKAGED_WSDL = Path(__file__).resolve().parent / "wsdl" / "netsuite.wsdl"
#: The SuiteTalk version of :data:`PACKAGED_WSDL`.
PACKAGED_VERSION = "2023_2"

_VERSION = re.compile(r"\d{4}_[12]")


def check_version(version: str) -> str:
    """``version`` if it is a SuiteTalk version such as ``2023_2``.

    Raises:
        ValueError: it is not.
    """
    if not _VERSION.fullmatch(version):
        raise ValueError(f"{version!r} is not a SuiteTalk version such as 2023_2")
    return version


def account_domain(account: str) -> str:
    """``https://<account>.suitetalk.api.netsuite.com`` for an account id (``1234567_SB1``)."""
    return f"https://{account.lower().replace('_', '-')}.suitetalk.api.netsuite.com"


def wsdl_path(version: str) -> str:
    """The path of a version's WSDL under an account domain: ``/wsdl/v2023_2_0/netsuite.wsdl``."""
    return f"/wsdl/v{check_version(version)}_0/netsuite.wsdl"


def service_path(version: str) -> str:
    """The path of a version's SOAP endpoint: ``/services/NetSuitePort_2023_2``."""
    return f"/services/NetSuitePort_{check_version(version)}"

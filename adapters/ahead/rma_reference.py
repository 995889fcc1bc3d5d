"""The connector's reference on an AHEAD RMA: how an RMA is found again and tied back.

The AHEAD API takes no key of ours on an RMA and keeps nothing but the request's fields. Of
those, the problem text is free text kept as the RMA's first comment, so the RMA sink ends the
problem with a line of its own, ``Connector reference: <reference>``, where the reference is
the record key without the sink's ``key_prefix`` (``returnAuthorization:1003:SN-1``). The sink
finds an RMA again by that line (among the RMAs of the manufacturer serial) and the RMA status
source keys its records by it.
"""

from __future__ import annotations

from collections.abc import Iterable

from connector.api.models import Rma

#: What starts the reference line of an RMA's problem text.
REFERENCE_LABEL = "Connector reference: "


def with_reference(problem: str, reference: str) -> str:
    """``problem`` followed by the reference line of ``reference``."""
    return f"{problem.rstrip()}\n\n{REFERENCE_LABEL}{reference}"


def references_in(messages: Iterable[str]) -> list[str]:
    """The references named by reference lines in ``messages``, in order."""
    found: list[str] = []
    for message in messages:
        for line in message.splitlines():
            stripped = line.strip()
            if stripped.startswith(REFERENCE_LABEL):
                reference = stripped[len(REFERENCE_LABEL) :].strip()
                if reference:
                    found.append(reference)
    return found


def rma_reference(rma: Rma) -> str | None:
    """The reference of an RMA read with its problems (``GET /v2/rmas/{id}``), or ``None``."""
    found = references_in(problem.message for problem in rma.problems)
    return found[0] if found else None

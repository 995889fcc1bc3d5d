"""Sample sales orders for demos: a few customers' orders of a few parts, with addresses."""

from __future__ import annotations

from adapters.netsuite.records import RecordType
from adapters.netsuite.simulator.service import NetSuiteSimulator

_CUSTOMERS = (
    ("201", "Acme Robotics", "1 Foundry Way", "Boston", "MA", "02110"),
    ("202", "Globex Instruments", "500 Market St", "San Jose", "CA", "95113"),
)
_PARTS = (("301", "PCBA-100", 2), ("302", "CABLE-7", 5), ("303", "ENCL-3", 1))


def seed_sample_orders(simulator: NetSuiteSimulator, count: int) -> list[str]:
    """Seed ``count`` sales orders (external ids ``SIM-SO-0001``...); their internal ids."""
    internal_ids = []
    for number in range(1, count + 1):
        customer_id, name, street, city, state, zip_code = _CUSTOMERS[number % len(_CUSTOMERS)]
        lines = [
            {
                "item": {"@internalId": item_id, "name": part},
                "quantity": quantity * number,
                "rate": "12.50",
                "description": f"{part} rev A",
            }
            for item_id, part, quantity in _PARTS[: 1 + number % len(_PARTS)]
        ]
        internal_ids.append(
            simulator.seed(
                RecordType.SALES_ORDER,
                {
                    "@externalId": f"SIM-SO-{number:04d}",
                    "entity": {"@internalId": customer_id, "name": name},
                    "otherRefNum": f"PO-{70000 + number}",
                    "memo": "Sample order of the NetSuite simulator",
                    "shippingAddress": {
                        "country": "_unitedStates",
                        "addressee": name,
                        "addr1": street,
                        "city": city,
                        "state": state,
                        "zip": zip_code,
                    },
                    "itemList": {"item": lines},
                },
            )
        )
    return internal_ids

"""JSON files as a source and a sink: records dropped into an inbox folder, documents written
to an outbox folder.

Useful on its own (any system that can drop or pick up JSON files), and the reference adapter
of the contract suites in :mod:`adapters.contract`::

    sources:
      orders-in:
        kind: jsonfiles
        settings: {inbox: inbox, key_field: customer_order, key_prefix: "ACME:"}
    sinks:
      orders-out:
        kind: jsonfiles
        settings: {outbox: outbox, name_template: "{key}.json"}
"""

from adapters.jsonfiles.settings import JsonFileSinkSettings, JsonFileSourceSettings
from adapters.jsonfiles.sink import JsonFileSink
from adapters.jsonfiles.source import JsonFileSource

__all__ = [
    "JsonFileSink",
    "JsonFileSinkSettings",
    "JsonFileSource",
    "JsonFileSourceSettings",
]

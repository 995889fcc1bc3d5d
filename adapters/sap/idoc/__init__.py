"""SAP IDoc XML files: safe parsing, our structure definitions, checking, JSON record trees.

::

    from adapters.sap.idoc import read_orders05

    for document in read_orders05(Path("inbox/po-4500012345.xml")):
        document.tree["E1EDK01"]["BELNR"]

Our definitions of ORDERS05, DELVRY07 and INVOIC02 are data in
``adapters/sap/idoc/structures/``; ``docs/sap.md`` describes them and the tree.
"""

from adapters.sap.idoc.problems import IdocError, IdocProblem
from adapters.sap.idoc.reader import (
    IdocDocument,
    check_idoc_xml,
    read_idoc_file,
    read_idocs,
    read_orders05,
)
from adapters.sap.idoc.structure import (
    IdocBasicType,
    IdocStructure,
    IdocStructureError,
    SegmentDefinition,
    load_structure,
)

__all__ = [
    "IdocBasicType",
    "IdocDocument",
    "IdocError",
    "IdocProblem",
    "IdocStructure",
    "IdocStructureError",
    "SegmentDefinition",
    "check_idoc_xml",
    "load_structure",
    "read_idoc_file",
    "read_idocs",
    "read_orders05",
]

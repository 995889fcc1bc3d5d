"""NetSuite over SuiteTalk SOAP: our trimmed 2023_2 WSDL, a zeep client and a simulator."""

from adapters.netsuite.endpoints import PACKAGED_VERSION, PACKAGED_WSDL
from adapters.netsuite.records import RecordReference, RecordType

__all__ = ["PACKAGED_VERSION", "PACKAGED_WSDL", "RecordReference", "RecordType"]

"""Our trimmed ``$metadata`` (EDMX, OData v2) of the SAP services; read through
:class:`adapters.sap.services.SapService`."""

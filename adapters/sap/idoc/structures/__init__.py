"""Our structure definitions of IDoc basic types (package data, one YAML file per type)."""

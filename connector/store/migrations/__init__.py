"""Alembic migrations of the checkpoint store, run by :mod:`connector.store.migrate`."""

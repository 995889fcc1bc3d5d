"""Create the checkpoint store.

Revision ID: 0001
Revises:
Create Date: 2026-11-24

Types are spelled out here rather than imported from the models, so that this revision keeps
creating the same schema whatever the models become later.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _enum(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.String(length=32), nullable=False)


def upgrade() -> None:
    op.create_table(
        "records",
        sa.Column("flow", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        _enum("state"),
        sa.Column("content_hash", sa.String(), nullable=False),
        sa.Column("intent_hash", sa.String(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("remote_ref", sa.String(), nullable=True),
        sa.Column("lease_owner", sa.String(), nullable=True),
        sa.Column("lease_version", sa.Integer(), nullable=False),
        _timestamp("lease_expires_at", nullable=True),
        _timestamp("next_attempt_at", nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("flow", "key", name=op.f("pk_records")),
    )
    op.create_index("ix_records_work", "records", ["flow", "state", "next_attempt_at"])
    op.create_index("ix_records_lease_owner", "records", ["lease_owner"])

    op.create_table(
        "cursors",
        sa.Column("flow", sa.String(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("flow", name=op.f("pk_cursors")),
    )

    op.create_table(
        "received_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flow", sa.String(), nullable=False),
        sa.Column("content_hash", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        _enum("outcome"),
        _timestamp("received_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received_files")),
        sa.UniqueConstraint(
            "flow", "content_hash", name=op.f("uq_received_files_flow_content_hash")
        ),
    )

    op.create_table(
        "interchange_controls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner", sa.String(), nullable=False),
        _enum("direction"),
        sa.Column("control_number", sa.String(), nullable=False),
        _timestamp("recorded_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interchange_controls")),
        sa.UniqueConstraint(
            "partner",
            "direction",
            "control_number",
            name=op.f("uq_interchange_controls_partner_direction_control_number"),
        ),
    )

    op.create_table(
        "control_counters",
        sa.Column("partner", sa.String(), nullable=False),
        _enum("kind"),
        sa.Column("value", sa.BigInteger(), nullable=False),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("partner", "kind", name=op.f("pk_control_counters")),
    )

    op.create_table(
        "ledger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flow", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("destination", sa.String(), nullable=False),
        sa.Column("document_kind", sa.String(), nullable=False),
        sa.Column("document_hash", sa.String(), nullable=False),
        sa.Column("remote_ref", sa.String(), nullable=True),
        _timestamp("written_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger")),
    )
    op.create_index("ix_ledger_lookup", "ledger", ["flow", "key", "destination"])

    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flow", sa.String(), nullable=False),
        sa.Column("owner", sa.String(), nullable=False),
        _enum("status"),
        _timestamp("started_at"),
        _timestamp("finished_at", nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")),
    )
    op.create_index("ix_runs_flow_started", "runs", ["flow", "started_at"])

    op.create_table(
        "dead_letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flow", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dead_letters")),
    )
    op.create_index("ix_dead_letters_record", "dead_letters", ["flow", "key"])

    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flow", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        _enum("action"),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        _timestamp("at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit")),
    )
    op.create_index("ix_audit_record", "audit", ["flow", "key"])

    op.create_table(
        "locks",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("owner", sa.String(), nullable=False),
        _timestamp("expires_at"),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_locks")),
    )


def downgrade() -> None:
    for table in (
        "locks",
        "audit",
        "dead_letters",
        "runs",
        "ledger",
        "control_counters",
        "interchange_controls",
        "received_files",
        "cursors",
        "records",
    ):
        op.drop_table(table)

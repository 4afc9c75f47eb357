"""Insights (counts per conversation, day and name) and the review queue (issue 29).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "insight_counts",
        sa.Column("conversation_key", sa.String(64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("conversation_key", "day", "name"),
    )
    op.create_index("ix_insight_counts_day", "insight_counts", ["day"])
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("conversation_key", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("intent", sa.String(120)),
        sa.Column("confidence", sa.Float()),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("label", sa.String(120)),
        sa.Column("labelled_by", sa.Text()),
        sa.Column("labelled_at", UTC_DATETIME),
    )
    op.create_index("ix_review_items_created_at", "review_items", ["created_at"])
    op.create_index("ix_review_items_conversation_key", "review_items", ["conversation_key"])


def downgrade() -> None:
    op.drop_index("ix_review_items_conversation_key", table_name="review_items")
    op.drop_index("ix_review_items_created_at", table_name="review_items")
    op.drop_table("review_items")
    op.drop_index("ix_insight_counts_day", table_name="insight_counts")
    op.drop_table("insight_counts")

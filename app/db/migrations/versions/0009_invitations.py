"""invitations: a seller's invitation to their buyer to apply for financing

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table('invitations',
    sa.Column('id', _text(36), nullable=False),
    sa.Column('token_hash', _text(64), nullable=False),
    sa.Column('seller_session_id', _text(36), nullable=False),
    sa.Column('host_site_id', _text(40), nullable=False),
    sa.Column('channel', _text(10), nullable=False),
    sa.Column('status', _text(20), nullable=False),
    sa.Column('lead_id', _text(36), nullable=True),
    sa.Column('applicant_session_id', _text(36), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index(
        op.f('ix_invitations_seller_session_id'), 'invitations', ['seller_session_id']
    )
    op.create_index(op.f('ix_invitations_lead_id'), 'invitations', ['lead_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_invitations_lead_id'), table_name='invitations')
    op.drop_index(op.f('ix_invitations_seller_session_id'), table_name='invitations')
    op.drop_table('invitations')

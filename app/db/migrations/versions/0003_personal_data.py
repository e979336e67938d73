"""personal data: erasures, retention

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('erasures',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('host_site_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('subject_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('by', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('erasures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erasures_host_site_id'), ['host_site_id'], unique=False)

    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_leads_erased_at'), ['erased_at'], unique=False)

    # Retention finds inactive sessions by this.
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sessions_updated_at'), ['updated_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sessions_updated_at'))

    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leads_erased_at'))
        batch_op.drop_column('erased_at')

    with op.batch_alter_table('erasures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erasures_host_site_id'))

    op.drop_table('erasures')

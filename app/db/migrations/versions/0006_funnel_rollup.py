"""the funnel: daily rollup of the history and its watermark

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = ('host_site_id', 'workflow', 'definition_version', 'variant', 'day')


def _key_columns() -> list[sa.Column]:
    return [
        sa.Column('host_site_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('workflow', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('definition_version', sa.Integer(), nullable=False),
        sa.Column('variant', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table('funnel_days',
    *_key_columns(),
    sa.Column('started', sa.Integer(), nullable=False),
    sa.Column('leads', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint(*KEY)
    )
    op.create_table('funnel_steps',
    *_key_columns(),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('reached', sa.Integer(), nullable=False),
    sa.Column('dropped', sa.Integer(), nullable=False),
    sa.Column('chosen', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint(*KEY, 'step')
    )
    op.create_table('funnel_times',
    *_key_columns(),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('bucket', sa.Integer(), nullable=False),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint(*KEY, 'step', 'bucket')
    )
    watermark = op.create_table('funnel_watermark',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('last_history_id', sa.Integer(), nullable=False),
    sa.Column('folded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('name')
    )
    # The history already there is folded by the first pass, from the start.
    op.bulk_insert(watermark, [{'name': 'history', 'last_history_id': 0, 'folded_at': None}])


def downgrade() -> None:
    op.drop_table('funnel_watermark')
    op.drop_table('funnel_times')
    op.drop_table('funnel_steps')
    op.drop_table('funnel_days')

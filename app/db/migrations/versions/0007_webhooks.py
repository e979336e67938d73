"""webhooks: host sites' endpoints and the log of their deliveries

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table('webhook_endpoints',
    sa.Column('id', _text(40), nullable=False),
    sa.Column('host_site_id', _text(40), nullable=False),
    sa.Column('url', _text(2000), nullable=False),
    sa.Column('secret', _text(100), nullable=False),
    sa.Column('previous_secret', _text(100), nullable=True),
    sa.Column('previous_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('rotated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(
        op.f('ix_webhook_endpoints_host_site_id'), 'webhook_endpoints', ['host_site_id']
    )
    op.create_table('webhook_deliveries',
    sa.Column('id', _text(40), nullable=False),
    sa.Column('endpoint_id', _text(40), nullable=False),
    sa.Column('host_site_id', _text(40), nullable=False),
    sa.Column('message_id', _text(40), nullable=False),
    sa.Column('event_type', _text(40), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', _text(12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_status_code', sa.Integer(), nullable=True),
    sa.Column('last_error', _text(200), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_attempt_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('delivered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('endpoint_id', 'message_id')
    )
    op.create_index(
        'ix_webhook_deliveries_site', 'webhook_deliveries', ['host_site_id', 'created_at']
    )


def downgrade() -> None:
    op.drop_index('ix_webhook_deliveries_site', table_name='webhook_deliveries')
    op.drop_table('webhook_deliveries')
    op.drop_index(op.f('ix_webhook_endpoints_host_site_id'), table_name='webhook_endpoints')
    op.drop_table('webhook_endpoints')

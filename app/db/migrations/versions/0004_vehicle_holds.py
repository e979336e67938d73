"""vehicle holds expire; per-client lead limits

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DIGEST = sqlmodel.sql.sqltypes.AutoString(length=64)
# Holds taken before this revision had no end: they get the default one from now.
DEFAULT_HOLD = timedelta(hours=48)


def upgrade() -> None:
    with op.batch_alter_table('vehicles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_vehicles_held_by_lead'), ['held_by_lead'], unique=False)
    vehicles = sa.table(
        'vehicles',
        sa.column('status', sa.String()),
        sa.column('held_until', sqlmodel.sql.sqltypes.UTCDateTime()),
    )
    op.execute(
        vehicles.update()
        .where(vehicles.c.status == 'held')
        .values(held_until=datetime.now(UTC) + DEFAULT_HOLD)
    )

    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address_hash', DIGEST, nullable=True))
        batch_op.add_column(sa.Column('email_hash', DIGEST, nullable=True))
        batch_op.add_column(sa.Column('phone_hash', DIGEST, nullable=True))
        batch_op.add_column(sa.Column('confirmed_to_hash', DIGEST, nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.create_index('ix_leads_address_hash', ['address_hash', 'created_at'], unique=False)
        batch_op.create_index('ix_leads_email_hash', ['email_hash', 'created_at'], unique=False)
        batch_op.create_index('ix_leads_phone_hash', ['phone_hash', 'created_at'], unique=False)
        batch_op.create_index('ix_leads_confirmed', ['confirmed_to_hash', 'confirmed_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_index('ix_leads_confirmed')
        batch_op.drop_index('ix_leads_phone_hash')
        batch_op.drop_index('ix_leads_email_hash')
        batch_op.drop_index('ix_leads_address_hash')
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('confirmed_to_hash')
        batch_op.drop_column('phone_hash')
        batch_op.drop_column('email_hash')
        batch_op.drop_column('address_hash')

    with op.batch_alter_table('vehicles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vehicles_held_by_lead'))
        batch_op.drop_column('held_until')

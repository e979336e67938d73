"""variants: a host site's variants (versions and weights) and the variant a session started in

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Sessions already stored started on the current version, in the default variant.
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'variant',
                sqlmodel.sql.sqltypes.AutoString(length=40),
                nullable=False,
                server_default='default',
            )
        )
    with op.batch_alter_table('host_sites', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('variants', sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table('host_sites', schema=None) as batch_op:
        batch_op.drop_column('variants')
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_column('variant')

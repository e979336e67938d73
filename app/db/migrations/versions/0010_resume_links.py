"""resume_links: a session's single-use link to continue it elsewhere

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table('resume_links',
    sa.Column('id', _text(36), nullable=False),
    sa.Column('token_hash', _text(64), nullable=False),
    sa.Column('session_id', _text(36), nullable=False),
    sa.Column('channel', _text(10), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index(op.f('ix_resume_links_session_id'), 'resume_links', ['session_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_resume_links_session_id'), table_name='resume_links')
    op.drop_table('resume_links')

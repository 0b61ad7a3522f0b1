"""needs analyses pending until their author confirms replacing the current one

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('needs_analysis', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('status', sa.String(length=10), nullable=False, server_default='saved')
        )


def downgrade():
    with op.batch_alter_table('needs_analysis', schema=None) as batch_op:
        batch_op.drop_column('status')

"""needs analyses pending until their author confirms replacing the current one

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('needs_analysis', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('status', sa.String(length=10), nullable=False, server_default='saved')
        )
        batch_op.create_check_constraint(
            op.f("ck_needs_analysis_status"), "status IN ('saved', 'pending')"
        )
        batch_op.create_check_constraint(
            op.f("ck_needs_analysis_source"), "source IN ('upload', 'form')"
        )


def downgrade():
    with op.batch_alter_table('needs_analysis', schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_needs_analysis_source"), type_="check")
        batch_op.drop_constraint(op.f("ck_needs_analysis_status"), type_="check")
        batch_op.drop_column('status')

"""one vocabulary refused by the database; the placement record: sibling offers, approvals,
placements that end

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

GRADES = ["outstanding", "good", "requires_improvement", "inadequate", "none"]
REFERRAL_STATUSES = ["draft", "ready", "offered", "placed", "ended", "withdrawn"]
SEXES = ["F", "M"]
ROLES = ["commissioner", "provider", "analyst", "admin"]
# Every token column and the values it may hold (commissioning.vocabulary at this revision).
TOKENS = {
    "home": {
        "provision_type": ["childrens_home", "secure_childrens_home", "residential_special_school"],
        "registration_status": ["active", "suspended", "closed"],
        "sector": ["private", "local_authority", "voluntary", "health_authority"],
        "overall_grade": GRADES,
        "safety_grade": GRADES,
        "leadership_grade": GRADES,
        "location_precision": ["local_authority", "district"],
    },
    "postcode_area": {"kind": ["district", "sector"]},
    "user": {"role": ROLES},
    "role_policy": {"role": ROLES},
    "audit_event": {
        "action": [
            "vacancies.update", "statement_of_purpose.update", "fee.update", "location.update",
            "location.ask",
            "resident.add", "resident.remove", "user.create", "user.disable", "user.enable",
            "user.sign_in", "user.sign_out", "user.password_change", "user.two_factor_enable",
            "user.two_factor_reset", "role_policy.two_factor",
            "referral.create", "referral.update", "referral.submit", "referral.amend",
            "referral.withdraw", "referral.delete", "sibling.add", "sibling.remove",
            "offer.send", "offer.accept", "offer.decline", "offer.withdraw",
            "placement.confirm", "placement.start", "placement.end", "batch.start",
            "batch.cancel", "needs_analysis.upload", "needs_analysis.form",
        ],
        "object_type": ["home", "referral", "user", "role_policy", "batch", "needs_analysis"],
    },
    "batch_run": {"status": ["queued", "running", "finished", "cancelled", "failed"]},
    "offer": {
        "status": ["sent", "accepted", "declined", "withdrawn", "confirmed"],
        "decline_reason": [
            "no_vacancy", "impact_on_current_group", "outside_statement_of_purpose",
            "cannot_meet_needs", "location_unsuitable", "staffing", "other",
        ],
        "withdrawal": ["other_home_chosen", "referral_withdrawn", "by_placing_authority"],
    },
    "referral": {
        "status": REFERRAL_STATUSES,
        "needed_by": ["today", "lt5days", "gt5days"],
        "sex": SEXES,
        "living_alongside": ["solo", "with_others", "older_only", "younger_only", "no_preference"],
        "pets": ["must", "can", "no", "unknown"],
        "withdrawal_reason": [
            "placed_elsewhere", "no_longer_needed", "returned_home", "fostering", "other",
        ],
    },
    "approval": {"kind": ["out_of_area", "at_a_distance"]},
    "placement": {
        "end_reason": [
            "CARPL", "CHILD", "CREQB", "CREQO", "CLOSE", "ALLEG", "STAND", "LAREQ", "CUSTOD",
            "APPRR", "PLACE", "OTHER",
        ],
    },
    "referral_status_change": {"status": REFERRAL_STATUSES},
    "resident": {"sex": SEXES},
}


def _one_of(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def upgrade():
    _offers_put_children_to_the_home()
    _sibling_groups_belong_to_an_authority()
    with op.batch_alter_table("referral") as batch:
        batch.add_column(sa.Column("max_school_km", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("withdrawal_reason", sa.String(length=20), nullable=True))
    op.create_table(
        "approval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("job_title", sa.String(length=100), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["offer.id"], name=op.f("fk_approval_offer_id_offer")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_approval_recorded_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval")),
    )
    op.create_index(op.f("ix_approval_offer_id"), "approval", ["offer_id"])
    op.create_table(
        "location_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("home_urn", sa.String(length=12), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["home_urn"], ["home.urn"], name=op.f("fk_location_request_home_urn_home")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["user.id"], name=op.f("fk_location_request_requested_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_location_request")),
    )
    op.create_index(op.f("ix_location_request_home_urn"), "location_request", ["home_urn"])
    with op.batch_alter_table("placement") as batch:
        batch.add_column(sa.Column("end_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("end_reason", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("ended_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_placement_ended_by_id_user"), "user", ["ended_by_id"], ["id"]
        )
    with op.batch_alter_table("resident") as batch:
        batch.add_column(sa.Column("placement_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_resident_placement_id_placement"), "placement", ["placement_id"], ["id"]
        )
        batch.create_index(op.f("ix_resident_placement_id"), ["placement_id"])
    for table, columns in TOKENS.items():
        with op.batch_alter_table(table) as batch:
            for column, values in columns.items():
                batch.create_check_constraint(op.f(f"ck_{table}_{column}"), _one_of(column, values))


def _offers_put_children_to_the_home():
    """An offer names every child it puts to the home (one, or a sibling group), keeps both
    halves of the home's impact risk assessment, and why it was withdrawn."""
    op.create_table(
        "offer_child",
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["offer.id"], name=op.f("fk_offer_child_offer_id_offer")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_offer_child_referral_id_referral")
        ),
        sa.PrimaryKeyConstraint("offer_id", "referral_id", name=op.f("pk_offer_child")),
    )
    op.create_index(op.f("ix_offer_child_referral_id"), "offer_child", ["referral_id"])
    op.execute("INSERT INTO offer_child (offer_id, referral_id) SELECT id, referral_id FROM offer")
    op.drop_index("uq_offer_referral_home", table_name="offer")
    op.drop_index("ix_offer_referral_id", table_name="offer")
    with op.batch_alter_table("offer") as batch:
        batch.add_column(sa.Column("impact_on_group", sa.String(length=2000), nullable=True))
        batch.add_column(sa.Column("managing_risks", sa.String(length=2000), nullable=True))
        batch.add_column(sa.Column("withdrawal", sa.String(length=24), nullable=True))
        batch.add_column(
            sa.Column("referral_changed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch.alter_column("match", new_column_name="terms", existing_type=sa.JSON())
        batch.create_index(op.f("ix_offer_sent_by_id"), ["sent_by_id"])
    op.execute("UPDATE offer SET impact_on_group = impact_assessment")
    with op.batch_alter_table("offer") as batch:
        batch.drop_constraint(op.f("fk_offer_referral_id_referral"), type_="foreignkey")
        batch.drop_column("referral_id")
        batch.drop_column("impact_assessment")


def _sibling_groups_belong_to_an_authority():
    with op.batch_alter_table("sibling_group") as batch:
        batch.add_column(sa.Column("placing_la_code", sa.String(length=9), nullable=True))
    op.execute(
        "UPDATE sibling_group SET placing_la_code = (SELECT MIN(referral.placing_la_code) "
        "FROM referral WHERE referral.sibling_group_id = sibling_group.id)"
    )
    op.execute("DELETE FROM sibling_group WHERE placing_la_code IS NULL")
    with op.batch_alter_table("sibling_group") as batch:
        batch.alter_column("placing_la_code", existing_type=sa.String(length=9), nullable=False)
        batch.create_foreign_key(
            op.f("fk_sibling_group_placing_la_code_local_authority"),
            "local_authority",
            ["placing_la_code"],
            ["code"],
        )
        batch.create_index(op.f("ix_sibling_group_placing_la_code"), ["placing_la_code"])


def downgrade():
    raise NotImplementedError("Hearth's migrations go forward only; restore a backup instead.")

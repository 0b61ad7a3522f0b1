"""Sufficiency's tables: LAs' needs analyses, and the demo's SYNTHETIC placements snapshot.

The placements snapshot is background for the demo: the dashboards read it, together with the
Placement and Offer rows recorded in Hearth, only through sufficiency.queries. Its rows are
anonymised (no child, only the placing authority, the home and the figures the dashboards
aggregate).
"""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commissioning.columns import token
from commissioning.extensions import db
from commissioning.models import LocalAuthority, User, utcnow
from commissioning.vocabulary import NeedsAnalysisSource, NeedsAnalysisStatus


class NeedsAnalysis(db.Model):
    """One version of an LA's needs analysis; the newest saved version of each LA is the one
    used, the older ones its history. A version that would replace another is pending until
    its author confirms it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    la_code: Mapped[str] = mapped_column(ForeignKey("local_authority.code"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    source: Mapped[NeedsAnalysisSource] = mapped_column(token(NeedsAnalysisSource, "source", 12))
    filename: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[NeedsAnalysisStatus] = mapped_column(
        token(NeedsAnalysisStatus, "status", 10),
        default=NeedsAnalysisStatus.SAVED,
        server_default=NeedsAnalysisStatus.SAVED.value,
    )

    local_authority: Mapped[LocalAuthority] = relationship()
    created_by: Mapped[User | None] = relationship()
    lines: Mapped[list["NeedsAnalysisLine"]] = relationship(
        back_populates="needs_analysis",
        cascade="all, delete-orphan",
        order_by="NeedsAnalysisLine.id",
    )


class NeedsAnalysisLine(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    needs_analysis_id: Mapped[int] = mapped_column(ForeignKey("needs_analysis.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))  # financial year, 2025-26
    need_category: Mapped[str] = mapped_column(String(30))
    placement_type: Mapped[str] = mapped_column(String(12))  # standard | solo | secure
    projected_children: Mapped[int] = mapped_column(Integer)
    current_placements: Mapped[int] = mapped_column(Integer)
    current_annual_spend: Mapped[int] = mapped_column(Integer)  # pounds

    needs_analysis: Mapped[NeedsAnalysis] = relationship(back_populates="lines")

    __table_args__ = (
        UniqueConstraint("needs_analysis_id", "period", "need_category", "placement_type"),
    )


class PlacementRecord(db.Model):
    """An anonymised current placement (SYNTHETIC in the demo: is_synthetic)."""

    __tablename__ = "sufficiency_placement"

    id: Mapped[int] = mapped_column(primary_key=True)
    placing_la_code: Mapped[str] = mapped_column(ForeignKey("local_authority.code"), index=True)
    home_urn: Mapped[str] = mapped_column(ForeignKey("home.urn"), index=True)
    placement_type: Mapped[str] = mapped_column(String(12))  # standard | solo | secure
    weekly_cost: Mapped[int] = mapped_column(Integer)
    distance_km: Mapped[float] = mapped_column(Float)
    out_of_area: Mapped[bool] = mapped_column(Boolean)
    at_a_distance: Mapped[bool] = mapped_column(Boolean)
    secure_order: Mapped[bool] = mapped_column(Boolean)
    days_waiting: Mapped[int | None] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)


class DeclinedOfferRecord(db.Model):
    """A home's refusal of a referral, with its reason (SYNTHETIC in the demo)."""

    __tablename__ = "sufficiency_declined_offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    placing_la_code: Mapped[str] = mapped_column(ForeignKey("local_authority.code"), index=True)
    home_urn: Mapped[str] = mapped_column(ForeignKey("home.urn"), index=True)
    reason: Mapped[str] = mapped_column(String(40))
    declined_on: Mapped[date] = mapped_column(Date)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)

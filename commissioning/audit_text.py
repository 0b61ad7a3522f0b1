"""Audit events in words: what changed, as a person reads it ("Local authority: Manchester",
"Active: Yes"), never as stored ("la_code: E08000006", "active: False")."""

from datetime import date

from sqlalchemy import select

from commissioning.extensions import db
from commissioning.models import AuditEvent, Consortium, LocalAuthority, Provider, User
from commissioning.vocabulary import (
    AuditObject,
    DeclineReason,
    LocationPrecision,
    Need,
    OfferWithdrawal,
    PlacementEndReason,
    RiskToOthers,
    RiskToSelf,
    Role,
    Sex,
    Token,
    WithdrawalReason,
)

# Each recorded field: its words, and the vocabulary its tokens belong to (if any).
FIELDS: dict[str, tuple[str, type[Token] | None]] = {
    "vacancies": ("Vacant beds", None),
    "min_age": ("Youngest age", None),
    "max_age": ("Oldest age", None),
    "age": ("Age", None),
    "sex": ("Sex", Sex),
    "sexes": ("Looks after", Sex),
    "needs": ("Needs", Need),
    "solo_only": ("Solo placements only", None),
    "accepts_emergencies": ("Accepts emergency placements", None),
    "has_pets": ("Pets in the home", None),
    "weekly_fee": ("Weekly fee", None),
    "solo_weekly_fee": ("Weekly fee for a solo placement", None),
    "postcode_district": ("Postcode district", None),
    "precision": ("Location", LocationPrecision),
    "risks_to_self": ("Risks to the child", RiskToSelf),
    "risks_to_others": ("Risks to others", RiskToOthers),
    "email": ("Email address", None),
    "role": ("Role", Role),
    "la_code": ("Local authority", None),
    "consortium_id": ("Consortium", None),
    "provider_id": ("Provider", None),
    "active": ("Active", None),
    "two_factor": ("Two-factor authentication", None),
    "required_for": ("Required for", Role),
    "home": ("Home", None),
    "sibling": ("Brother or sister", None),
    "decline_reason": ("Reason for declining", DeclineReason),
    "why": ("Why", OfferWithdrawal),
    "reason": ("Reason", None),
    "start_date": ("Start date", None),
    "end_date": ("End date", None),
    "referrals": ("Children", None),
    "time_limit": ("Time limit in seconds", None),
    "distance_km": ("Distance from the family home in km", None),
    "out_of_area": ("Out of area", None),
    "at_a_distance": ("At a distance", None),
    "weekly_cost": ("Weekly cost", None),
}
MONEY = frozenset({"weekly_fee", "solo_weekly_fee", "weekly_cost"})
REASONS = (WithdrawalReason, PlacementEndReason)


class AuditWords:
    """Describes events, looking up the names behind the ids they hold once per page."""

    def __init__(self, events: list[AuditEvent]):
        self.names = {
            "la_code": dict(
                db.session.execute(select(LocalAuthority.code, LocalAuthority.name)).all()
            ),
            "consortium_id": dict(db.session.execute(select(Consortium.id, Consortium.name)).all()),
            "provider_id": _names_of(Provider, events, "provider_id"),
        }
        user_ids = [int(e.object_id) for e in events if e.object_type == AuditObject.USER]
        self.emails = dict(
            db.session.execute(select(User.id, User.email).where(User.id.in_(user_ids))).all()
        )

    def subject(self, event: AuditEvent) -> str:
        if event.object_type == AuditObject.USER:
            return f"Account {self.emails.get(int(event.object_id), 'no longer held')}"
        return f"{event.object_type.label} {event.object_id}"

    def values(self, values: dict | None) -> str:
        if not values:
            return "–"
        return (
            "; ".join(
                f"{FIELDS.get(key, (key, None))[0]}: {self.value(key, value)}"
                for key, value in values.items()
                if key in FIELDS or key in MONEY
            )
            or "–"
        )

    def value(self, key: str, value) -> str:
        if value is None or value == []:
            return "None"
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if key in MONEY:
            return f"£{value:,}"
        if key in self.names:
            return self.names[key].get(value, str(value))
        vocabulary = FIELDS.get(key, ("", None))[1] or _reason_vocabulary(key, value)
        if vocabulary is not None:
            tokens = value if isinstance(value, list) else [value]
            return ", ".join(vocabulary(token).label for token in tokens)
        if key.endswith("_date"):
            return date.fromisoformat(value).strftime("%-d %B %Y")
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _reason_vocabulary(key: str, value) -> type[Token] | None:
    if key != "reason":
        return None
    return next((v for v in REASONS if value in v._value2member_map_), None)


def _names_of(model, events: list[AuditEvent], key: str) -> dict:
    ids = {
        values[key]
        for event in events
        for values in (event.before or {}, event.after or {})
        if values.get(key) is not None
    }
    if not ids:
        return {}
    return dict(db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())

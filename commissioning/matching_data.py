"""The web of record, seen as the optimiser's plain dataclasses (matching.model).

Reading the national register takes a few hundred milliseconds, so the homes are kept per
process and only changed ones are read again: every change to a home's register entry,
vacancies, statement of purpose, fee, location or group moves its version on.
"""

import gc
import json
from collections import defaultdict
from functools import cache
from threading import Lock
from types import MappingProxyType

from sqlalchemy import String, cast, select
from sqlalchemy.exc import OperationalError

import matching
from commissioning.extensions import db
from commissioning.models import (
    Fee,
    Home,
    PostcodeArea,
    Referral,
    Resident,
    StatementOfPurpose,
    la_adjacency,
)
from commissioning.vocabulary import OfstedGrade, PostcodeAreaKind, RegistrationStatus
from matching.model import DEFAULT_MAX_SCHOOL_KM

OPEN = Home.registration_status.in_(RegistrationStatus.OPEN)
_cache: dict[str, object] = {}
_cache_lock = Lock()


def home_table() -> matching.HomeTable:
    """Every open home with a statement of purpose and a fee, as a matching.HomeTable.

    A home without a statement of purpose cannot admit anyone (Children's Homes Regulations
    2015, reg 14), so it is not a candidate until its provider gives one. Only the homes
    whose version moved since the last call are read again.
    """
    rows = db.session.execute(select(Home.urn, Home.version).where(OPEN))
    versions = dict(rows.all())
    with _cache_lock:
        known: dict[str, tuple[int, matching.Home | None]] = _cache.setdefault("homes", {})
        changed = [
            urn for urn, version in versions.items() if known.get(urn, (None,))[0] != version
        ]
        if changed or len(known) != len(versions) or "table" not in _cache:
            fresh = _load_homes(None if len(changed) > len(versions) // 4 else changed)
            for urn in changed:
                known[urn] = (versions[urn], fresh.get(urn))
            for urn in set(known) - set(versions):
                del known[urn]
            homes = [home for _, home in sorted(known.values(), key=_by_urn) if home]
            _cache["table"] = matching.HomeTable.from_homes(homes)
        return _cache["table"]


def forget_homes() -> None:
    """Drop the cached homes, so the next call reads them all again (tests whose writes were
    rolled back, leaving versions the cache has seen with other contents)."""
    with _cache_lock:
        _cache.pop("homes", None)
        _cache.pop("table", None)


def _by_urn(entry: tuple[int, matching.Home | None]) -> str:
    return entry[1].id if entry[1] else ""


@cache
def _tokens(json_text: str) -> frozenset[str]:
    """A JSON list column read as raw text: the few distinct lists decode once each, which
    saves most of a national load's time."""
    return frozenset(json.loads(json_text))


def _raw(column):
    """A JSON column as its text (a cast, since PostgreSQL's driver decodes JSON itself)."""
    return cast(column, String).label(column.key)


HOME_COLUMNS = (
    Home.urn,
    Home.lat,
    Home.lon,
    Home.la_code,
    Home.provision_type,
    Home.vacancies,
    Home.places,
    Home.overall_grade,
    Home.safety_grade,
    Home.registration_status,
    Home.short_break_only,
    StatementOfPurpose.min_age,
    StatementOfPurpose.max_age,
    _raw(StatementOfPurpose.sexes),
    _raw(StatementOfPurpose.needs),
    StatementOfPurpose.solo_only,
    StatementOfPurpose.has_pets,
    StatementOfPurpose.accepts_emergencies,
    Fee.weekly_fee,
    Fee.solo_weekly_fee,
)


def _load_homes(urns: list[str] | None) -> dict[str, matching.Home]:
    """The given homes (None: every open home) as plain rows, not ORM objects: ten times
    faster for the whole register."""
    residents = defaultdict(list)
    resident_rows = select(
        Resident.home_urn,
        Resident.age,
        Resident.sex,
        _raw(Resident.risks_to_self),
        _raw(Resident.risks_to_others),
    )
    home_rows = (
        select(*HOME_COLUMNS)
        .join(StatementOfPurpose, StatementOfPurpose.home_urn == Home.urn)
        .join(Fee, Fee.home_urn == Home.urn)
        .where(OPEN)
    )
    if urns is not None:
        resident_rows = resident_rows.where(Resident.home_urn.in_(urns))
        home_rows = home_rows.where(Home.urn.in_(urns))
    for row in db.session.execute(resident_rows):
        residents[row.home_urn].append(
            matching.Resident(
                row.age, row.sex, _tokens(row.risks_to_self), _tokens(row.risks_to_others)
            )
        )
    return {
        row.urn: _matching_home(row, residents[row.urn]) for row in db.session.execute(home_rows)
    }


def _matching_home(row, residents) -> matching.Home:
    return matching.Home(
        id=row.urn,
        lat=row.lat,
        lon=row.lon,
        la_code=row.la_code,
        type=row.provision_type.home_type,
        vacancies=row.vacancies,
        places=row.places,
        min_age=row.min_age,
        max_age=row.max_age,
        sexes=_tokens(row.sexes),
        needs=_tokens(row.needs),
        solo_only=row.solo_only,
        has_pets=row.has_pets,
        weekly_fee=float(row.weekly_fee),
        ofsted_grade=row.overall_grade or OfstedGrade.NONE,
        safety_grade=row.safety_grade,
        accepts_emergencies=row.accepts_emergencies,
        solo_weekly_fee=float(row.solo_weekly_fee) if row.solo_weekly_fee else None,
        residents=tuple(residents),
        registration_status=row.registration_status,
        short_break_only=row.short_break_only,
    )


def adjacency() -> MappingProxyType:
    """Each authority's neighbours (fixed reference data, loaded once)."""
    if "adjacency" not in _cache:
        neighbours = defaultdict(set)
        for la_code, neighbour in db.session.execute(select(la_adjacency)):
            neighbours[la_code].add(neighbour)
        _cache["adjacency"] = MappingProxyType(
            {code: frozenset(codes) for code, codes in neighbours.items()}
        )
    return _cache["adjacency"]


def sector_centroids(codes) -> dict[str, PostcodeArea]:
    wanted = {code for code in codes if code}
    if not wanted:
        return {}
    return {
        area.code: area
        for area in db.session.scalars(
            select(PostcodeArea).where(
                PostcodeArea.code.in_(wanted), PostcodeArea.kind == PostcodeAreaKind.SECTOR
            )
        )
    }


def matching_referral(referral: Referral) -> matching.Referral:
    """A submitted referral as the optimiser sees it: located at postcode-sector centroids."""
    sectors = sector_centroids(
        [referral.family_sector, referral.school_sector, *(a["sector"] for a in referral.avoid)]
    )
    family = sectors[referral.family_sector]
    school = sectors.get(referral.school_sector or "")
    return matching.Referral(
        id=referral.reference,
        placing_la_code=referral.placing_la_code,
        lat=family.lat,
        lon=family.lon,
        age=referral.age,
        sex=referral.sex,
        needs=frozenset(referral.needs),
        risks_to_self=frozenset(referral.risks_to_self),
        risks_to_others=frozenset(referral.risks_to_others),
        living_alongside=referral.living_alongside,
        pets=referral.pets,
        secure_order=referral.secure_order,
        sibling_group=referral.sibling_group.reference if referral.sibling_group else None,
        needed_by=referral.needed_by,
        max_distance_km=referral.max_distance_km,
        avoid=tuple(
            matching.Avoid(sectors[a["sector"]].lat, sectors[a["sector"]].lon, a["radius_km"])
            for a in referral.avoid
        ),
        school_lat=school.lat if school else None,
        school_lon=school.lon if school else None,
        keep_school=referral.keep_school,
        max_school_km=referral.max_school_km or DEFAULT_MAX_SCHOOL_KM,
        inadequate_override_reason=referral.inadequate_override_reason,
    )


def warm_up(app) -> None:
    """Fill the cache of homes at start-up (a database not yet migrated is left alone), then
    freeze it out of the garbage collector's way: its full passes over the national table
    were the slowest part of a search."""
    with app.app_context():
        try:
            home_table()
        except OperationalError:
            db.session.rollback()
    gc.freeze()

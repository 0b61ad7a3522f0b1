"""Write reference data into the database. Callers commit (the CLI command, once)."""

from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import insert, select

from commissioning.extensions import db
from commissioning.models import (
    Home,
    LocalAuthority,
    PostcodeArea,
    Provider,
    Region,
    la_adjacency,
)
from commissioning.reference import geography
from commissioning.reference.register import RegisterHome
from commissioning.vocabulary import LocationPrecision, PostcodeAreaKind, RegistrationStatus

# Fields the register owns: an import sets them; a provider's edits and the demo never do.
REGISTER_FIELDS = (
    "provision_type",
    "registration_status",
    "registration_date",
    "sector",
    "places",
    "short_break_only",
    "la_code",
    "inspection_date",
    "overall_grade",
    "safety_grade",
    "leadership_grade",
)


def load_geography() -> None:
    """Regions, authorities, their adjacency and postcode centroids; a rerun changes nothing."""
    if db.session.scalar(select(LocalAuthority).limit(1)) is not None:
        return
    db.session.add_all(Region(code=r.code, name=r.name) for r in geography.load_regions())
    db.session.add_all(
        LocalAuthority(
            code=la.code, name=la.name, region_code=la.region_code, lat=la.lat, lon=la.lon
        )
        for la in geography.load_local_authorities()
    )
    db.session.flush()
    db.session.execute(
        insert(la_adjacency),
        [
            {"la_code": code, "neighbour_code": neighbour}
            for code, neighbours in geography.la_adjacency().items()
            for neighbour in neighbours
        ],
    )
    for kind, areas in (
        (PostcodeAreaKind.DISTRICT, geography.postcode_districts()),
        (PostcodeAreaKind.SECTOR, geography.postcode_sectors()),
    ):
        db.session.execute(
            insert(PostcodeArea),
            [
                {"code": a.code, "kind": kind, "la_code": a.la_code, "lat": a.lat, "lon": a.lon}
                for a in areas.values()
            ],
        )


@dataclass
class ImportSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0

    def __str__(self) -> str:
        return ", ".join(f"{field.name} {getattr(self, field.name)}" for field in fields(self))


def import_register(register: list[RegisterHome], as_at: date) -> ImportSummary:
    """Upsert homes by URN from a validated register; homes it omits are marked closed.

    Idempotent: importing the same register again finds every home unchanged.
    """
    summary = ImportSummary()
    homes = {home.urn: home for home in db.session.scalars(select(Home))}
    providers = _providers_by_name({entry.owner for entry in register})
    for entry in register:
        home = homes.pop(entry.urn, None)
        if home is None:
            db.session.add(_new_home(entry, providers[entry.owner], as_at))
            summary.added += 1
        elif _update_home(home, entry, providers[entry.owner], as_at):
            summary.updated += 1
        else:
            summary.unchanged += 1
    for home in homes.values():
        if (
            home.registration_status != RegistrationStatus.CLOSED
            and home.last_registered_as_at <= as_at
        ):
            home.registration_status = RegistrationStatus.CLOSED
            home.closed_as_at = as_at
            summary.closed += 1
    return summary


def _providers_by_name(names: set[str]) -> dict[str, Provider]:
    providers = {p.name: p for p in db.session.scalars(select(Provider))}
    for name in sorted(names - providers.keys()):
        providers[name] = Provider(name=name)
        db.session.add(providers[name])
    return providers


def _new_home(entry: RegisterHome, provider: Provider, as_at: date) -> Home:
    return Home(
        urn=entry.urn,
        provider=provider,
        first_registered_as_at=as_at,
        last_registered_as_at=as_at,
        location_precision=LocationPrecision.LOCAL_AUTHORITY,
        lat=entry.lat,
        lon=entry.lon,
        vacancies=0,
        **{name: getattr(entry, name) for name in REGISTER_FIELDS},
    )


def _update_home(home: Home, entry: RegisterHome, provider: Provider, as_at: date) -> bool:
    """Bring a home's register fields up to date; True if anything changed."""
    if as_at < home.last_registered_as_at or (home.closed_as_at and as_at < home.closed_as_at):
        return False  # an older register never undoes a newer one
    changes = {
        name: getattr(entry, name)
        for name in REGISTER_FIELDS
        if getattr(home, name) != getattr(entry, name)
    }
    if home.provider is not provider:
        changes["provider"] = provider
    if home.location_precision == LocationPrecision.LOCAL_AUTHORITY and (home.lat, home.lon) != (
        entry.lat,
        entry.lon,
    ):
        changes.update(lat=entry.lat, lon=entry.lon)
    if as_at != home.last_registered_as_at:
        changes["last_registered_as_at"] = as_at
    if home.closed_as_at is not None:
        changes["closed_as_at"] = None
    if changes:
        changes["version"] = home.version + 1  # tells cached copies (matching_data) to reload
    for name, value in changes.items():
        setattr(home, name, value)
    return bool(changes)

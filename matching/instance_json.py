"""The hearth-matching/1 JSON schema: load with clear errors, dump instances and results.

See matching/README.md for the schema.  Unknown extra fields are allowed and ignored.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from matching.model import (
    DEFAULT_MAX_SCHOOL_KM,
    SCHEMA,
    Avoid,
    Home,
    ImpactPoints,
    Instance,
    Referral,
    Resident,
    Result,
    Weights,
    vocab,
)
from matching.policy import DEFAULT_POLICY, POLICIES, Policy

if TYPE_CHECKING:  # the frontier solves; this module only writes what it found
    from matching.frontier import Frontier


class InstanceError(ValueError):
    """The instance JSON is invalid; .errors lists every problem with its path."""

    def __init__(self, errors: list[str]):
        super().__init__("invalid hearth-matching/1 instance:\n  " + "\n  ".join(errors))
        self.errors = errors


_REQUIRED = object()  # marks a field with no default


class _Reader:
    """Reads fields of one JSON object, collecting errors instead of stopping at the first."""

    def __init__(self, data: Any, path: str, errors: list[str]):
        self.data = data if isinstance(data, Mapping) else {}
        self.path, self.errors = path, errors
        if not isinstance(data, Mapping):
            errors.append(f"{path}: must be an object")

    def _fail(self, key: str, message: str):
        self.errors.append(f"{self.path}.{key}: {message}")

    def _get(self, key: str, default: Any):
        if key not in self.data and default is _REQUIRED:
            self._fail(key, "is required")
            return None
        return self.data.get(key, None if default is _REQUIRED else default)

    def number(self, key: str, default: Any = None, minimum: float | None = None):
        value = self._get(key, default)
        if value is None:
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            self._fail(key, f"must be a number, not {value!r}")
            return None
        if minimum is not None and value < minimum:
            self._fail(key, f"must be at least {minimum}")
        return value

    def integer(self, key: str, default: Any = None, minimum: int | None = None):
        value = self.number(key, default, minimum)
        if value is not None and value != int(value):
            self._fail(key, f"must be a whole number, not {value!r}")
        return None if value is None else int(value)

    def boolean(self, key: str, default: Any = False) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            self._fail(key, f"must be true or false, not {value!r}")
            return False
        return value

    def text(self, key: str, default: Any = None) -> str | None:
        value = self._get(key, default)
        if value is not None and not isinstance(value, str | int):
            self._fail(key, f"must be a string, not {value!r}")
            return None
        return None if value is None else str(value)

    def token(self, key: str, allowed: tuple[str, ...], default: Any = None) -> str:
        value = self._get(key, default)
        if value not in allowed:
            self._fail(key, f"must be one of {', '.join(allowed)}; got {value!r}")
            return allowed[0]
        return value

    def optional_token(self, key: str, allowed: tuple[str, ...]) -> str | None:
        return None if self.data.get(key) is None else self.token(key, allowed)

    def tokens(self, key: str, allowed: tuple[str, ...]) -> frozenset[str]:
        value = self._get(key, [])
        if not isinstance(value, list):
            self._fail(key, "must be a list")
            return frozenset()
        unknown = [token for token in value if token not in allowed]
        if unknown:
            self._fail(key, f"unknown {unknown}; allowed: {', '.join(allowed)}")
        return frozenset(token for token in value if token in allowed)

    def texts(self, key: str) -> frozenset[str]:
        value = self._get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self._fail(key, "must be a list of strings")
            return frozenset()
        return frozenset(value)

    def objects(self, key: str) -> list:
        value = self._get(key, [])
        if not isinstance(value, list):
            self._fail(key, "must be a list")
            return []
        return value


def load_instance(data: Mapping[str, Any]) -> Instance:
    """Build an Instance from hearth-matching/1 JSON data; raises InstanceError."""
    errors: list[str] = []
    root = _Reader(data, "instance", errors)
    schema = root.text("schema", SCHEMA)
    if schema != SCHEMA:
        errors.append(f"instance.schema: expected {SCHEMA!r}, got {schema!r}")
    homes = tuple(
        _home(_Reader(item, f"homes[{i}]", errors)) for i, item in enumerate(root.objects("homes"))
    )
    referrals = tuple(
        _referral(_Reader(item, f"referrals[{i}]", errors))
        for i, item in enumerate(root.objects("referrals"))
    )
    adjacency = _adjacency(data.get("adjacency", {}) if isinstance(data, Mapping) else {}, errors)
    weights = Weights()
    if isinstance(data, Mapping) and data.get("weights"):
        try:
            weights = weights_with_overrides(data["weights"])
        except (TypeError, ValueError) as error:
            errors.append(f"instance.weights: {error}")
    policy = _policy(data.get("policy") if isinstance(data, Mapping) else None, errors)
    _check_unique("homes", [home.id for home in homes], errors)
    _check_unique("referrals", [child.id for child in referrals], errors)
    if errors:
        raise InstanceError(errors)
    return Instance(homes, referrals, adjacency, weights, policy)


def _policy(name: Any, errors: list[str]) -> Policy:
    """A policy by name (the default when absent); see matching.policy.POLICIES."""
    if name is None:
        return DEFAULT_POLICY
    if name not in POLICIES:
        errors.append(f"instance.policy: must be one of {', '.join(POLICIES)}; got {name!r}")
        return DEFAULT_POLICY
    return POLICIES[name]


def _check_unique(what: str, ids: list[str], errors: list[str]) -> None:
    seen: set[str] = set()
    for identifier in ids:
        if identifier in seen:
            errors.append(f"{what}: id {identifier!r} appears more than once")
        seen.add(identifier)


def _home(r: _Reader) -> Home:
    min_age, max_age = r.integer("min_age", _REQUIRED, 0), r.integer("max_age", _REQUIRED, 0)
    if min_age is not None and max_age is not None and min_age > max_age:
        r.errors.append(f"{r.path}: min_age {min_age} is above max_age {max_age}")
    return Home(
        id=r.text("id", _REQUIRED),
        lat=r.number("lat", _REQUIRED),
        lon=r.number("lon", _REQUIRED),
        la_code=r.text("la_code", _REQUIRED),
        type=r.token("type", vocab.HOME_TYPES, "childrens_home"),
        vacancies=r.integer("vacancies", _REQUIRED, 0),
        places=r.integer("places", _REQUIRED, 0),
        min_age=min_age,
        max_age=max_age,
        sexes=r.tokens("sexes", vocab.SEXES),
        needs=r.tokens("needs", vocab.NEEDS),
        solo_only=r.boolean("solo_only"),
        has_pets=r.boolean("has_pets"),
        weekly_fee=r.number("weekly_fee", _REQUIRED, 0),
        ofsted_grade=r.token("ofsted_grade", vocab.OFSTED_GRADES, "none"),
        residents=tuple(
            _resident(_Reader(item, f"{r.path}.residents[{i}]", r.errors))
            for i, item in enumerate(r.objects("residents"))
        ),
        registration_status=r.token("registration_status", vocab.REGISTRATION_STATUSES, "active"),
        short_break_only=r.boolean("short_break_only"),
        accepts_emergencies=r.boolean("accepts_emergencies", True),
        safety_grade=r.optional_token("safety_grade", vocab.OFSTED_GRADES),
        solo_weekly_fee=r.number("solo_weekly_fee", None, 0),
    )


def _resident(r: _Reader) -> Resident:
    return Resident(
        age=r.integer("age", _REQUIRED, 0),
        sex=r.token("sex", vocab.SEXES, _REQUIRED),
        risks_to_self=r.tokens("risks_to_self", vocab.RISKS_TO_SELF),
        risks_to_others=r.tokens("risks_to_others", vocab.RISKS_TO_OTHERS),
    )


def _referral(r: _Reader) -> Referral:
    return Referral(
        id=r.text("id", _REQUIRED),
        placing_la_code=r.text("placing_la_code", _REQUIRED),
        lat=r.number("lat", _REQUIRED),
        lon=r.number("lon", _REQUIRED),
        age=r.integer("age", _REQUIRED, 0),
        sex=r.token("sex", vocab.SEXES, _REQUIRED),
        needs=r.tokens("needs", vocab.NEEDS),
        risks_to_self=r.tokens("risks_to_self", vocab.RISKS_TO_SELF),
        risks_to_others=r.tokens("risks_to_others", vocab.RISKS_TO_OTHERS),
        living_alongside=r.token("living_alongside", vocab.LIVING_ALONGSIDE, "no_preference"),
        pets=r.token("pets", vocab.PETS, "unknown"),
        secure_order=r.boolean("secure_order"),
        sibling_group=r.text("sibling_group"),
        needed_by=r.token("needed_by", vocab.NEEDED_BY, "gt5days"),
        max_distance_km=r.number("max_distance_km", None, 0),
        avoid=tuple(
            Avoid(
                lat=zone.number("lat", _REQUIRED),
                lon=zone.number("lon", _REQUIRED),
                radius_km=zone.number("radius_km", _REQUIRED, 0),
            )
            for zone in (
                _Reader(item, f"{r.path}.avoid[{i}]", r.errors)
                for i, item in enumerate(r.objects("avoid"))
            )
        ),
        school_lat=r.number("school_lat"),
        school_lon=r.number("school_lon"),
        keep_school=r.boolean("keep_school"),
        max_school_km=_or_default(r.number("max_school_km", None, 0), DEFAULT_MAX_SCHOOL_KM),
        inadequate_override_reason=r.text("inadequate_override_reason"),
        pinned_home=r.text("pinned_home"),
        excluded_homes=r.texts("excluded_homes"),
    )


def _or_default(value: float | None, default: float) -> float:
    return default if value is None else value


def _adjacency(data: Any, errors: list[str]) -> MappingProxyType:
    if not isinstance(data, Mapping):
        errors.append("instance.adjacency: must be an object of la_code -> [la_code]")
        return MappingProxyType({})
    adjacency = {}
    for code, neighbours in data.items():
        if not isinstance(neighbours, list):
            errors.append(f"instance.adjacency.{code}: must be a list of la_codes")
            continue
        adjacency[code] = frozenset(neighbours)
    return MappingProxyType(adjacency)


def weights_with_overrides(overrides: Mapping[str, Any], base: Weights | None = None) -> Weights:
    """Weights with some values replaced; grade and impact tables merge key by key."""
    base = base or Weights()
    changes: dict[str, Any] = {}
    for key, value in overrides.items():
        if key == "grade":
            changes["grade"] = _merged(base.grade, value, vocab.OFSTED_GRADES, "grade")
        elif key == "impact":
            changes["impact"] = _impact_with_overrides(base.impact, value)
        elif key in {f.name for f in dataclasses.fields(Weights)}:
            changes[key] = _non_negative(key, value)
        else:
            raise ValueError(f"unknown weight {key!r}")
    return dataclasses.replace(base, **changes)


def _impact_with_overrides(base: ImpactPoints, overrides: Mapping[str, Any]) -> ImpactPoints:
    changes: dict[str, Any] = {}
    for key, value in overrides.items():
        if key in ("posing", "exposure", "shared"):
            changes[key] = _merged(getattr(base, key), value, tuple(getattr(base, key)), key)
        elif key in ("age_gap_free_years", "per_year_beyond"):
            changes[key] = _non_negative(key, value)
        else:
            raise ValueError(f"unknown impact weight {key!r}")
    return dataclasses.replace(base, **changes)


def _merged(base: Mapping, overrides: Mapping, allowed: tuple[str, ...], name: str):
    unknown = set(overrides) - set(allowed)
    if unknown:
        raise ValueError(f"unknown {name} keys {sorted(unknown)}")
    return MappingProxyType(
        {**base, **{k: _non_negative(f"{name}.{k}", v) for k, v in overrides.items()}}
    )


def _non_negative(key: str, value: Any) -> float:
    # Negative weights would break the flow bound, which assumes every ignored term is >= 0.
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"{key} must be a non-negative number, not {value!r}")
    return value


def dump_instance(instance: Instance) -> dict[str, Any]:
    """The instance as hearth-matching/1 JSON data (weights included in full)."""
    return {
        "schema": SCHEMA,
        "homes": [_plain(home) for home in instance.homes],
        "referrals": [_plain(child) for child in instance.referrals],
        "adjacency": {code: sorted(n) for code, n in sorted(instance.adjacency.items())},
        "weights": _plain(instance.weights),
        "policy": instance.policy.name,
    }


def result_to_dict(result: Result) -> dict[str, Any]:
    """The result as JSON data (RESULT.json)."""
    return {"schema": SCHEMA, **_plain(result)}


def frontier_to_dict(frontier: Frontier) -> dict[str, Any]:
    """The trade-off as JSON data: its proposals nearest first, each a RESULT.json, and each
    against the next cheaper one."""
    return {
        "schema": SCHEMA,
        "seconds": round(frontier.seconds, 4),
        "stopped": frontier.stopped,
        "points": [
            {
                "near_home": point.near_home,
                "cost": point.cost,
                "result": result_to_dict(point.result),
            }
            for point in frontier.points
        ],
        "comparisons": [_plain(comparison) for comparison in frontier.comparisons()],
    }


def _plain(value: Any) -> Any:
    """Dataclasses, frozensets and mapping proxies as plain JSON-ready data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: _plain(getattr(value, name)) for name in _attributes(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, float):
        return round(value, 4)
    return value


def _attributes(value: Any) -> list[str]:
    """A dataclass's shown fields, then its lazily computed ones (cached properties); fields
    hidden from repr are machinery, such as the function that computes a lazy one."""
    shown = [f.name for f in dataclasses.fields(value) if f.repr]
    lazy = [name for name, attr in vars(type(value)).items() if isinstance(attr, cached_property)]
    return shown + lazy

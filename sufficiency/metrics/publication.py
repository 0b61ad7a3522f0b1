"""Counts about children published for every area at once, so that no two pages disagree.

An analyst can read one authority's figures, its region's, its consortium's and England's.
Suppressing each page on its own would let one page undo another (a region's total less the
other authorities' figures is the last one's), so every family of tables is protected once,
for every local authority and every area anyone can ask for together, with the relations
between them (an area's cell is the sum of its authorities'), and each page reads its cells
from that one publication (sufficiency.metrics.disclosure).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from sufficiency.metrics.disclosure import Protection, Structure, protect
from sufficiency.metrics.tables import HIDDEN, Area

Name = tuple  # a cell's name within one area, e.g. ("placed",) or ("band", "£0", "solo")
Unit = frozenset[str]  # an area, as the authorities it is made of


@dataclass(frozen=True)
class Sum:
    """A cell that is the sum of other cells of the same area."""

    name: Name
    parts: tuple[Name, ...]
    published: bool = True


@dataclass(frozen=True)
class Schema:
    """The cells of a family of tables for one area: counted ones (`base`, each published or
    not), sums of them, and further identities an attacker knows (total = sum of parts)."""

    base: tuple[tuple[Name, bool], ...]
    sums: tuple[Sum, ...] = ()
    identities: tuple[tuple[Name, tuple[Name, ...]], ...] = ()

    @property
    def names(self) -> list[Name]:
        return [name for name, _ in self.base] + [cell.name for cell in self.sums]


@dataclass(frozen=True)
class Areas:
    """Every area a page can show: all authorities of England, its regions, and the other
    groups of authorities (consortia and their overlaps with regions and each other)."""

    england: Unit
    regions: tuple[Unit, ...]
    groups: tuple[Unit, ...] = ()

    def units(self) -> list[Unit]:
        singles = [frozenset({code}) for code in sorted(self.england)]
        larger = {unit for unit in (*self.regions, *self.groups) if len(unit) > 1}
        larger.discard(self.england)
        return [*singles, *sorted(larger, key=sorted), self.england]

    def unit_of(self, area: Area) -> Unit:
        return self.england if area.la_codes is None else frozenset(area.la_codes)


Counts = Mapping[str, Mapping[Name, int]]  # authority -> base cell -> count


@dataclass(frozen=True)
class Publication:
    """A family's cells for every area, with the ones to hide."""

    values: dict[tuple[Unit, Name], int]
    protection: Protection

    def cell(self, unit: Unit, name: Name) -> int | str:
        """A published cell: its count, or "c" where hidden."""
        key = (unit, name)
        return HIDDEN if self.protection.is_hidden(key) else self.values.get(key, 0)

    def count(self, unit: Unit, name: Name) -> int:
        """The true count, for what is never shown (an average's size, a share's parts)."""
        return self.values.get((unit, name), 0)

    def share(self, unit: Unit, part: Name, whole: Name) -> float | str | None:
        """part / whole as a percentage, withheld where either is hidden (a share and the
        whole give the part away)."""
        shown_part, shown_whole = self.cell(unit, part), self.cell(unit, whole)
        if shown_whole == 0:
            return None
        if isinstance(shown_part, str) or isinstance(shown_whole, str):
            return HIDDEN
        return round(100 * shown_part / shown_whole, 1)


def publish(schema: Schema, counts: Counts, areas: Areas) -> Publication:
    """The family's cells for every area, protected (the same inputs give the same result
    without working it out again)."""
    frozen = tuple(
        sorted(
            (code, tuple(sorted((name, n) for name, n in cells.items() if n)))
            for code, cells in counts.items()
        )
    )
    return _publish(schema, frozen, areas)


@lru_cache(maxsize=16)
def _publish(schema: Schema, counts: tuple, areas: Areas) -> Publication:
    structure = build_structure(schema, {code: dict(cells) for code, cells in counts}, areas)
    return Publication(structure.values, protect(structure))


def build_structure(schema: Schema, counts: Counts, areas: Areas) -> Structure:
    structure = Structure()
    published = dict(schema.base) | {cell.name: cell.published for cell in schema.sums}
    units = areas.units()
    for unit in units:
        level = 0 if len(unit) == 1 else 2 if unit == areas.england else 1
        for name, value in _unit_values(schema, unit, counts).items():
            structure.add((unit, name), value, published=published[name], level=level)
        for cell in schema.sums:
            structure.relate((unit, cell.name), [(unit, part) for part in cell.parts])
        for total, parts in schema.identities:
            structure.relate((unit, total), [(unit, part) for part in parts])
    # England is the sum of its regions, and each region of its authorities (relating England
    # to all 153 authorities again would say nothing new).
    for unit in units:
        if len(unit) > 1 and unit != areas.england:
            _relate_to_authorities(structure, schema, unit)
    regions = [region for region in areas.regions if region != areas.england]
    for name in schema.names:
        structure.relate((areas.england, name), [(region, name) for region in regions])
    return structure


def _unit_values(schema: Schema, unit: Unit, counts: Counts) -> dict[Name, int]:
    values = {
        name: sum(counts.get(code, {}).get(name, 0) for code in unit) for name, _ in schema.base
    }
    for cell in schema.sums:
        values[cell.name] = sum(values[part] for part in cell.parts)
    return values


def _relate_to_authorities(structure: Structure, schema: Schema, unit: Unit) -> None:
    members = sorted(unit)
    for name in schema.names:
        structure.relate((unit, name), [(frozenset({code}), name) for code in members])


def counts_by_authority(items: Iterable[tuple[str, Name]]) -> dict[str, dict[Name, int]]:
    """Base cell counts from (authority, cell name) pairs, one pair per child."""
    counts: dict[str, dict[Name, int]] = {}
    for code, name in items:
        cells = counts.setdefault(code, {})
        cells[name] = cells.get(name, 0) + 1
    return counts

"""DfE's published location of new placements, 2018 to 2022, for each placing authority.

Source (OGL v3.0, see commissioning/data/README.md): DfE, "Children looked after in England
including adoptions", local-authority table la_cla_during_year_new_placements, the rows of
cla_group "Location of new placements during the year". The figures cover all looked-after
children's new placements in each reporting year (to 31 March), not only children's homes.
DfE's own markers are kept as DfE published them: "c" suppressed (DfE hides a second cell
where one could be worked out from the total), "z" not applicable (an authority that did not
exist that year).
"""

import csv
from dataclasses import dataclass
from functools import cache

from commissioning.reference import DATA_DIR

NEW_PLACEMENTS_FILE = DATA_DIR / "dfe" / "dfe_new_placements_location_2018_2022.csv"
ENGLAND_CODE = "E92000001"

# DfE's characteristics, in the order of its table, by Hearth's short names.
CHARACTERISTICS = {
    "inside_under_20": "Placed inside LA boundary less than 20 miles from home",
    "inside_over_20": "Placed inside LA boundary more than 20 miles from home",
    "outside_under_20": "Placed outside LA boundary less than 20 miles from home",
    "outside_over_20": "Placed outside LA boundary more than 20 miles from home",
    "not_known": "Distance not known or not recorded",
    "total": "Total new placements",
}

# Authorities whose code changed, or that took over from others, after DfE's years: their
# figures from 2018 to 2022 are the predecessors'. Barnsley and Sheffield were recoded in
# 2023; North Yorkshire and Somerset became unitary in April 2023; Cumbria split into
# Cumberland and Westmorland and Furness in April 2023; Northamptonshire split in 2021;
# Bournemouth, Poole and Christchurch merged (with Dorset's remainder) in 2019.
PREDECESSORS = {
    "E08000038": ("E08000016",),
    "E08000039": ("E08000019",),
    "E06000065": ("E10000023",),
    "E06000066": ("E10000027",),
    "E06000063": ("E10000006",),
    "E06000064": ("E10000006",),
    "E06000061": ("E10000021",),
    "E06000062": ("E10000021",),
    "E06000058": ("E06000028", "E06000029"),
    "E06000059": ("E10000009",),
}

Figure = int | str  # a number, or DfE's marker ("c", "z")


@dataclass(frozen=True)
class NewPlacements:
    """One placing area's new placements in one reporting year, in DfE's columns."""

    year: int  # the reporting year, ending 31 March
    code: str  # ONS code: England, a region, or the placing authority as DfE named it then
    name: str
    figures: dict[str, Figure]  # by CHARACTERISTICS key

    @property
    def applies(self) -> bool:
        """False where the authority did not exist that year (every cell "z")."""
        return any(value != "z" for value in self.figures.values())


def _figure(text: str) -> Figure:
    return int(text) if text.isdigit() else text


@cache
def load_new_placements() -> tuple[NewPlacements, ...]:
    """Every area's new placements by year, as DfE published them."""
    names = {text: key for key, text in CHARACTERISTICS.items()}
    grouped: dict[tuple[int, str], dict] = {}
    with NEW_PLACEMENTS_FILE.open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            level = row["geographic_level"]
            code = {
                "National": row["country_code"],
                "Regional": row["region_code"],
                "Local authority": row["new_la_code"],
            }[level]
            name = row["la_name"] or row["region_name"] or row["country_name"]
            entry = grouped.setdefault(
                (int(row["time_period"]), code), {"name": name, "figures": {}}
            )
            entry["figures"][names[row["characteristic"]]] = _figure(row["number"])
    return tuple(
        NewPlacements(year, code, entry["name"], entry["figures"])
        for (year, code), entry in sorted(grouped.items())
    )


@cache
def _by_code() -> dict[str, list[NewPlacements]]:
    by_code: dict[str, list[NewPlacements]] = {}
    for row in load_new_placements():
        by_code.setdefault(row.code, []).append(row)
    return by_code


def new_placements_of(code: str) -> list[NewPlacements]:
    """DfE's rows for one area by its ONS code: England, a region, or an authority (with its
    predecessors' rows, under their names)."""
    return _applying([code, *PREDECESSORS.get(code, ())])


def new_placements_summed(la_codes: frozenset[str]) -> list[NewPlacements]:
    """DfE's figures for a group of authorities that is not a region (a consortium): their
    sum each year, "c" wherever DfE hid the cell for any of them."""
    sources = sorted(
        {source for code in la_codes for source in (code, *PREDECESSORS.get(code, ()))}
    )
    rows_by_year: dict[int, list[NewPlacements]] = {}
    for row in _applying(sources):
        rows_by_year.setdefault(row.year, []).append(row)
    return [
        NewPlacements(
            year, "", "", {key: _sum(row.figures[key] for row in rows) for key in CHARACTERISTICS}
        )
        for year, rows in sorted(rows_by_year.items())
    ]


def _applying(codes: list[str]) -> list[NewPlacements]:
    rows = [row for code in codes for row in _by_code().get(code, []) if row.applies]
    return sorted(rows, key=lambda row: (row.year, row.name))


def _sum(figures) -> Figure:
    figures = list(figures)
    return sum(figures) if all(isinstance(f, int) for f in figures) else "c"

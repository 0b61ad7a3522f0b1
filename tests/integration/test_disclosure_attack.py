"""An attacker with every table an analyst can reach: it downloads each dashboard's tables
(the zip) for the demo analyst's consortium and each of its authorities, and as a national
user for England and the North West, reads what each figure means from the headings, writes
down every relation it knows (rows and columns adding up to totals, an area being the sum of
its authorities, England of its regions, a share being part over whole), and tries to pin
down every hidden figure with linear programmes (tests/disclosure_attack.py). It must fail.

It knows nothing of how Hearth suppresses: only what the pages say.
"""

import csv
import io
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from commissioning import demo
from commissioning.extensions import db
from commissioning.models import User
from commissioning.reference.geography import load_local_authorities
from commissioning.vocabulary import DeclineReason
from sufficiency import services
from sufficiency.metrics.vocabulary import PLACEMENT_TYPES, SECURE_ORDER_ROUTES
from sufficiency.models import NeedsAnalysis
from sufficiency.needs_file import COLUMNS, financial_year
from tests.disclosure_attack import AT_LEAST_0, ranges
from tests.integration.conftest import sign_in

NORTH_WEST = "E12000002"
DASHBOARDS = ("secure", "solo", "distance", "cost", "demand")
HIDDEN = "c"
# Small needs analyses for three authorities, so that the needs tables have hidden cells.
NEEDS = {
    "E08000003": [("autism", "standard", 12, 3), ("mental_health", "solo", 2, 1)],
    "E08000006": [("autism", "standard", 3, 2), ("mental_health", "solo", 6, 5)],
    "E08000001": [("autism", "standard", 9, 9), ("mental_health", "solo", 1, 0)],
}

AUTHORITIES = load_local_authorities()
ENGLAND = frozenset(la.code for la in AUTHORITIES)
REGIONS = {
    la.region_name: frozenset(a.code for a in AUTHORITIES if a.region_code == la.region_code)
    for la in AUTHORITIES
}
NAMES = {la.name: frozenset({la.code}) for la in AUTHORITIES} | REGIONS
NORTH_WEST_LAS = sorted(REGIONS["North West"])
TYPES = {name: token for token, name in PLACEMENT_TYPES.items()}
ROUTES = {name: token for token, name in SECURE_ORDER_ROUTES.items()}


@pytest.fixture(scope="module")
def needs_analyses(app):
    period = financial_year(date.today().year if date.today().month >= 4 else date.today().year - 1)
    with app.app_context():
        analyst = db.session.scalar(select(User).where(User.email == f"analyst@{demo.DEMO_DOMAIN}"))
        for code, lines in NEEDS.items():
            rows = [",".join(COLUMNS)] + [
                f"{period},{need},{kind},{projected},{placed},{placed * 200_000}"
                for need, kind, projected, placed in lines
            ]
            services.upload_needs_analysis(
                analyst, code, "attack.csv", "\n".join(rows).encode(), date.today()
            )
    yield
    with app.app_context():
        for analysis in db.session.scalars(select(NeedsAnalysis)):
            db.session.delete(analysis)
        db.session.commit()


def tables(client, dashboard: str, query: str) -> dict[str, list[list[str]]]:
    """A dashboard's tables, by key, from its zip."""
    response = client.get(f"/sufficiency/{dashboard}.zip?{query}")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return {
        name.removeprefix(f"{dashboard}-").removesuffix(".csv"): list(
            csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")))
        )
        for name in archive.namelist()
        if name.endswith(".csv")
    }


def _lowest_cost(band: str) -> int:
    """The least a placement in a band costs a week: "£10,001 to £12,000" 10,001."""
    if band.startswith("Up to"):
        return 0
    return int(band.removeprefix("Over ").split(" to ")[0].strip("£").replace(",", "")) + (
        1 if band.startswith("Over") else 0
    )


class Attacker:
    """Figures by (area, quantity), what each is known to be, and how they relate."""

    def __init__(self):
        self.seen: dict[tuple, str] = {}
        self.relations: list[tuple] = []
        self.shares: list[tuple] = []  # (part, whole, share shown)
        self.quantities: set[tuple] = set()
        self.areas: set[frozenset] = {ENGLAND, *REGIONS.values()}
        self.periods: list[str] = []

    def figure(self, area: frozenset, quantity: tuple, text: str) -> None:
        if text == "":
            return
        key = (area, quantity)
        value = HIDDEN if text == HIDDEN else float(text)
        # The same figure must read the same wherever it is published.
        assert self.seen.setdefault(key, value) == value, (sorted(area)[:3], quantity)
        self.quantities.add(quantity)
        self.areas.add(area)

    def share(self, area, part: tuple, whole: tuple, text: str) -> None:
        if text not in ("", HIDDEN):
            self.shares.append(((area, part), (area, whole), float(text)))

    def read(self, dashboard: str, tables: dict, view: frozenset) -> None:
        for key, rows in tables.items():
            header, *body = rows
            reader = getattr(self, f"_{key}", None)
            if reader is not None:
                for row in body:
                    reader(dict(zip(header, row, strict=True)), header, view)

    def _area(self, label: str, view: frozenset) -> frozenset:
        return view if label in ("Total",) or label.startswith("All ") else NAMES[label]

    # ---- what each table's figures mean, from its headings

    def _distance(self, row, header, view):
        area = self._area(row[header[0]], view)
        for heading, quantity in (
            ("Children placed", "placed"),
            ("Out of area", "out"),
            ("At a distance", "far"),
            ("Over 20 miles", "over20"),
        ):
            self.figure(area, (quantity,), row[heading])
        for heading, part in (
            ("Out of area", "out"),
            ("At a distance", "far"),
            ("Over 20 miles", "over20"),
        ):
            self.share(area, (part,), ("placed",), row[f"{heading} (%)"])

    def _secure_orders(self, row, header, view):
        area = self._area(row[header[0]], view)
        self.figure(area, ("with_order",), row["Children with a secure order"])
        self.figure(area, ("route", "secure"), row["In a secure children's home"])
        self.figure(area, ("waiting",), row["Waiting for a secure bed"])

    def _secure_routes(self, row, header, view):
        label = row[header[0]]
        if label.startswith("All "):
            self.figure(view, ("with_order",), row["Children"])
        elif label in ROUTES:
            route = ROUTES[label]
            self.figure(view, ("route", route), row["Children"])
            self.figure(
                view, ("route_over_10k", route), row["Children costing over £10,000 a week"]
            )
        else:
            self.figure(view, ("open",), row["Children"])

    def _cost_by_type(self, row, header, view):
        label = row[header[0]]
        kind = TYPES.get(label)
        self.figure(view, ("type", kind) if kind else ("placed",), row["Children"])
        self.figure(view, ("over_10k", kind or "all"), row["Children costing over £10,000 a week"])

    def _cost_distribution(self, row, header, view):
        label = row[header[0]]
        for name, kind in TYPES.items():
            quantity = ("type", kind) if label == "Total" else ("band", label, kind)
            self.figure(view, quantity, row[name])

    def _new_placements(self, row, header, view):
        if row["Source"] != "Hearth":
            return
        year = row[header[0]]
        for heading, quantity in (
            ("Inside the boundary, under 20 miles", ("in", "under")),
            ("Inside the boundary, over 20 miles", ("in", "over")),
            ("Outside the boundary, under 20 miles", ("out", "under")),
            ("Outside the boundary, over 20 miles", ("out", "over")),
            ("New placements", ("all", "all")),
            ("Outside the boundary", ("out", "all")),
            ("Over 20 miles", ("all", "over")),
        ):
            self.figure(view, ("new", year, *quantity), row[heading])
        total = ("new", year, "all", "all")
        self.share(view, ("new", year, "out", "all"), total, row["Outside the boundary (%)"])
        self.share(view, ("new", year, "all", "over"), total, row["Over 20 miles (%)"])

    def _new_placements_by_authority(self, row, header, view):
        area = self._area(row[header[0]], view)
        for heading in header[1:]:
            if ", Hearth " in heading:
                year = heading.rsplit(" ", 1)[1]
                part = ("all", "over") if heading.startswith("Over") else ("out", "all")
                self.share(area, ("new", year, *part), ("new", year, "all", "all"), row[heading])

    def _declined_offers(self, row, header, view):
        label = row["Reason"]
        quantity = ("offers",) if label == "Total" else ("reason", label)
        self.figure(view, quantity, row["Offers declined"])
        if label != "Total":
            self.share(view, quantity, ("offers",), row["Share (%)"])

    def _need_against_supply(self, row, header, view):
        # The page shows the first period projected unless another is chosen.
        period = self.periods[0]
        need = (row["Need"], row["Placement type"])
        self.figure(view, ("projected", period, *need), row["Projected children"])
        self.figure(view, ("current", period, *need), row["Current placements"])
        shortfall = row["Shortfall (projected children less places)"]
        if shortfall != HIDDEN:
            places = float(row["Places catering for it nearby"])
            self.figure(view, ("projected", period, *need), str(float(shortfall) + places))

    def _need_over_time(self, row, header, view):
        need = (row["Need"], row["Placement type"])
        for heading in header[2:-1]:
            period = heading.removeprefix("Projected children ")
            self.periods = sorted({*self.periods, period})
            self.figure(view, ("projected", period, *need), row[heading])

    def no_needs_analysis(self, area: frozenset) -> None:
        """An authority without a needs analysis projects no one: every need figure is 0."""
        for quantity in [q for q in self.quantities if q[0] in ("projected", "current")]:
            self.figure(area, quantity, "0")

    # ---- what the attacker knows of how figures relate

    def known_relations(self) -> list[tuple]:
        relations = []
        years = sorted({q[1] for q in self.quantities if q[0] == "new"})
        bands = sorted({q[1] for q in self.quantities if q[0] == "band"})
        high_bands = [band for band in bands if _lowest_cost(band) > 10_000]
        for area in self.areas:

            def rel(total, *parts, area=area):
                relations.append(((area, total), [(area, part) for part in parts]))

            rel(("placed",), ("in",), ("out",))
            rel(("out",), ("far",), ("near",))
            rel(("placed",), ("within20",), ("over20",))
            for year in years:
                cells = [("new", year, w, m) for w in ("in", "out") for m in ("under", "over")]
                rel(("new", year, "all", "all"), *cells)
                rel(
                    ("new", year, "out", "all"),
                    ("new", year, "out", "under"),
                    ("new", year, "out", "over"),
                )
                rel(
                    ("new", year, "all", "over"),
                    ("new", year, "in", "over"),
                    ("new", year, "out", "over"),
                )
            if years:
                rel(("out",), *(("new", y, "out", "all") for y in years))
                rel(("over20",), *(("new", y, "all", "over") for y in years))
                rel(("placed",), *(("new", y, "all", "all") for y in years))
            rel(("placed",), *(("type", t) for t in PLACEMENT_TYPES))
            rel(("over_10k", "all"), *(("over_10k", t) for t in PLACEMENT_TYPES))
            for kind in PLACEMENT_TYPES:
                if bands:
                    rel(("type", kind), *(("band", b, kind) for b in bands))
                    rel(("over_10k", kind), *(("band", b, kind) for b in high_bands))
                rel(("type", kind), ("route", kind), ("no_order", kind))
                rel(("over_10k", kind), ("route_over_10k", kind), ("no_order_over_10k", kind))
                rel(("route", kind), ("route_over_10k", kind), ("route_up_to_10k", kind))
            rel(("with_order",), ("route", "secure"), ("waiting",))
            rel(("waiting",), ("route", "solo"), ("route", "standard"), ("open",))
            rel(("offers",), *(("reason", reason.label) for reason in DeclineReason))
        quantities = {
            q for relation in relations for q in (relation[0][1], *(p[1] for p in relation[1]))
        }
        quantities |= self.quantities
        for quantity in quantities:
            relations.append(
                ((ENGLAND, quantity), [(region, quantity) for region in REGIONS.values()])
            )
            for area in self.areas:
                if len(area) > 1 and area != ENGLAND:
                    members = [frozenset({code}) for code in area]
                    if all(member in self.areas for member in members):
                        relations.append(((area, quantity), [(m, quantity) for m in members]))
        return relations

    def attack(self):
        relations = self.known_relations()
        figures = {key for r in relations for key in (r[0], *r[1])} | set(self.seen)
        shown = {key: v for key, v in self.seen.items() if v != HIDDEN}
        unknown = {key: AT_LEAST_0 for key in figures if key not in shown}
        at_most = []
        for part, whole, value in self.shares:
            # share = round(100 * part / whole, 1)
            at_most.append(({part: 100.0, whole: -(value + 0.05)}, 0.0))
            at_most.append(({part: -100.0, whole: value - 0.05}, 0.0))
        targets = [key for key, value in self.seen.items() if value == HIDDEN]
        return targets, ranges(relations, shown, unknown, targets, at_most)


@pytest.fixture(scope="module")
def attacker(app, needs_analyses):
    attacker = Attacker()
    analyst, national = app.test_client(), app.test_client()
    sign_in(analyst, "analyst")
    sign_in(national, "admin")
    views = [
        (analyst, "", frozenset(NORTH_WEST_LAS)),
        *((analyst, f"la={code}", frozenset({code})) for code in NORTH_WEST_LAS),
        (national, "", ENGLAND),
        (national, f"region={NORTH_WEST}", frozenset(NORTH_WEST_LAS)),
    ]
    without_needs = []
    for client, query, area in views:
        for dashboard in DASHBOARDS:
            found = tables(client, dashboard, query)
            # The needs over time table names the periods; the other shows the first.
            if "need_over_time" in found:
                attacker.read(dashboard, {"need_over_time": found.pop("need_over_time")}, area)
            elif dashboard == "demand":
                without_needs.append(area)
            attacker.read(dashboard, found, area)
    for area in without_needs:
        attacker.no_needs_analysis(area)
    return attacker


def test_the_attacker_reads_many_hidden_figures(attacker):
    hidden = [key for key, value in attacker.seen.items() if value == HIDDEN]
    assert len(attacker.seen) > 2_000 and len(hidden) > 200
    assert {quantity[0] for _, quantity in hidden} >= {
        "band",
        "route",
        "new",
        "projected",
        "reason",
    }


def test_no_hidden_figure_can_be_pinned_down(attacker):
    targets, found = attacker.attack()
    pinned = [
        (sorted(area)[:2], len(area), quantity, found[(area, quantity)])
        for area, quantity in targets
        if found[(area, quantity)].pinned
    ]
    assert pinned == []
    widths = sorted(r.high - r.low for r in found.values())
    print(f"{len(targets)} hidden figures attacked; narrowest range {widths[0]:.2f}")

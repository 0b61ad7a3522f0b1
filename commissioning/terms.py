"""The terms of an offer: what the commissioner saw when sending a home a child (or a sibling
group), kept with the offer and copied to the placement. Built the same way by single search
and by batch proposals."""

from dataclasses import asdict, dataclass, fields

from matching.model import RankedHome
from matching.terms import HomeWithFees, placement_terms
from matching.vocabulary import OfstedGrade


@dataclass(frozen=True)
class OfferTerms:
    distance_km: float
    out_of_area: bool
    at_a_distance: bool
    over_20_miles: bool
    weekly_cost: int  # the whole placement: every child of the unit, every bed if solo
    beds: int
    children: int
    group_impact: float
    ofsted_grade: OfstedGrade
    score: int
    solo: bool
    # The home's location is its authority's centroid (Ofsted redacts postcodes), so its
    # distance is approximate.
    approximate_location: bool

    @classmethod
    def from_ranked(
        cls, ranked: RankedHome, home: HomeWithFees, children: int, solo: bool, approximate: bool
    ) -> "OfferTerms":
        breakdown = ranked.breakdown
        placement = placement_terms(home, children, solo)
        return cls(
            distance_km=round(breakdown.distance_km, 1),
            out_of_area=breakdown.out_of_area,
            at_a_distance=breakdown.at_a_distance,
            over_20_miles=breakdown.over_20_miles,
            weekly_cost=round(placement.weekly_cost),
            beds=placement.beds,
            children=children,
            group_impact=round(breakdown.group_impact, 1),
            ofsted_grade=OfstedGrade(breakdown.ofsted_grade),
            score=round(ranked.score),
            solo=placement.whole_home,
            approximate_location=approximate,
        )

    @classmethod
    def from_assignments(
        cls, assignments: list[dict], home: HomeWithFees, solo: bool, approximate: bool
    ) -> "OfferTerms":
        """A batch proposal's assignments for one unit (a child, or each child of a group)."""
        first = assignments[0]
        placement = placement_terms(home, len(assignments), solo)
        return cls(
            distance_km=round(first["distance_km"], 1),
            out_of_area=first["out_of_area"],
            at_a_distance=first["at_a_distance"],
            over_20_miles=first["over_20_miles"],
            weekly_cost=round(placement.weekly_cost),
            beds=placement.beds,
            children=len(assignments),
            group_impact=round(sum(a["group_impact"] for a in assignments), 1),
            ofsted_grade=OfstedGrade(first["breakdown"]["ofsted_grade"]),
            score=round(sum(a["score"] for a in assignments)),
            solo=placement.whole_home,
            approximate_location=approximate,
        )

    @classmethod
    def from_json(cls, data: dict) -> "OfferTerms":
        known = {f.name for f in fields(cls)}
        values = {name: value for name, value in data.items() if name in known}
        values.setdefault("approximate_location", False)
        values.setdefault("children", 1)
        values.setdefault("beds", values["children"])
        values["ofsted_grade"] = OfstedGrade(values["ofsted_grade"])
        return cls(**values)

    def to_json(self) -> dict:
        return asdict(self)

    def share(self, position: int) -> tuple[int, int]:
        """One child's (weekly cost, beds) of the placement, so the children's shares add up
        to the whole; the first child carries any remainder."""
        cost, remainder = divmod(self.weekly_cost, self.children)
        beds, spare_beds = divmod(self.beds, self.children)
        if position == 0:
            return cost + remainder, beds + spare_beds
        return cost, beds

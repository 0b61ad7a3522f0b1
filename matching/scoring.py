"""The score of a placement: lower is better; one point is worth about £1 of weekly fee.

Terms (weights in model.Weights, overridable per call):
- weekly_cost: the home's weekly fee; a solo child, or any child in a solo-only home, pays for
  the whole home (matching.terms: its solo fee, else every place);
- distance_from_family and, where the school must continue, distance_from_school, per km;
- over_20_miles: the DfE/NAO statistic, a flat penalty beyond 32.19 km;
- out_of_area and at_a_distance: Care Planning Regulations 2010 reg 11 (as amended 2013) need a
  nominated officer's, and for "at a distance" (neither the placing LA nor one adjoining it) the
  Director of Children's Services', approval; each is a flat penalty;
- group_impact: impact points against the residents (see impact.py), per point;
- ofsted_grade: a penalty per grade, by the limiting judgement (Home.limiting_grade).
  "Requires improvement" means adequate and is only scored, never excluded (Narey review
  rec 21-22).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from matching.feasibility import HomeTable
from matching.impact import impact_against_residents
from matching.model import TWENTY_MILES_KM, ImpactItem, Referral, ScoreBreakdown, Weights, vocab
from matching.terms import beds_and_cost


@dataclass(frozen=True)
class ChildScores:
    """One child's measures and weighted terms against every home of a table."""

    family_km: np.ndarray
    school_km: np.ndarray | None
    over_20_miles: np.ndarray
    out_of_area: np.ndarray
    at_a_distance: np.ndarray
    weekly_cost: np.ndarray
    impact: np.ndarray
    terms: dict[str, np.ndarray]

    @property
    def total(self) -> np.ndarray:
        return sum(self.terms.values())


def unit_terms(table: HomeTable, unit_size: int, unit_solo: bool) -> tuple[np.ndarray, np.ndarray]:
    """(beds taken, weekly cost of the whole placement) of the unit in every home, by the one
    rule of matching.terms."""
    return beds_and_cost(
        table.places,
        table.vacancies,
        table.weekly_fee,
        table.solo_only,
        table.solo_weekly_fee,
        unit_size,
        unit_solo,
    )


def weekly_cost(table: HomeTable, unit_size: int, unit_solo: bool) -> np.ndarray:
    """Weekly cost per child of the unit in each home."""
    return unit_terms(table, unit_size, unit_solo)[1] / unit_size


def score_child(
    child: Referral,
    table: HomeTable,
    family_km: np.ndarray,
    adjacency: Mapping[str, frozenset[str]],
    weights: Weights,
    unit_size: int = 1,
    unit_solo: bool = False,
) -> ChildScores:
    school_km = (
        table.distances_km(child.school_lat, child.school_lon) if child.school_continues else None
    )
    out_of_area = ~table.in_any_la([child.placing_la_code])
    # Reg 11 CPR 2010: "at a distance" = outside the placing LA and not in an adjoining LA.
    at_a_distance = ~table.in_any_la(
        {child.placing_la_code, *adjacency.get(child.placing_la_code, ())}
    )
    over_20 = family_km > TWENTY_MILES_KM
    cost = weekly_cost(table, unit_size, unit_solo)
    impact = impact_against_residents(child, table, weights.impact)
    grade_points = np.array([weights.grade.get(g, 0.0) for g in vocab.OFSTED_GRADES])
    terms = {
        "weekly_cost": weights.per_pound * cost,
        "distance_from_family": weights.per_km_family * family_km,
        "distance_from_school": (
            weights.per_km_school * school_km if school_km is not None else np.zeros(len(table))
        ),
        "over_20_miles": weights.over_20_miles * over_20,
        "out_of_area": weights.out_of_area * out_of_area,
        "at_a_distance": weights.at_a_distance * at_a_distance,
        "group_impact": weights.per_impact_point * impact,
        "ofsted_grade": grade_points[table.grade_id],
    }
    return ChildScores(
        family_km=family_km,
        school_km=school_km,
        over_20_miles=over_20,
        out_of_area=out_of_area,
        at_a_distance=at_a_distance,
        weekly_cost=cost,
        impact=impact,
        terms=terms,
    )


def breakdown_at(
    scores: ChildScores,
    home_index: int,
    grade: str,
    weights: Weights,
    explain_impact: Callable[[], tuple[ImpactItem, ...]],
    co_placed_impact: float = 0.0,
) -> ScoreBreakdown:
    """The breakdown of one placement; co_placed_impact adds points against other children
    proposed for the same home (explain_impact must explain them too)."""
    terms = {name: float(values[home_index]) for name, values in scores.terms.items()}
    terms["group_impact"] += weights.per_impact_point * co_placed_impact
    return ScoreBreakdown(
        distance_km=float(scores.family_km[home_index]),
        school_distance_km=(
            None if scores.school_km is None else float(scores.school_km[home_index])
        ),
        over_20_miles=bool(scores.over_20_miles[home_index]),
        out_of_area=bool(scores.out_of_area[home_index]),
        at_a_distance=bool(scores.at_a_distance[home_index]),
        weekly_cost=float(scores.weekly_cost[home_index]),
        group_impact=float(scores.impact[home_index]) + co_placed_impact,
        ofsted_grade=grade,
        terms=MappingProxyType(terms),
        explain_impact=explain_impact,
    )

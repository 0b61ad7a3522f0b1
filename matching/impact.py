"""Group impact: how much harder a home's group becomes with this child in it.

The points between two children are the sum of four documented, tunable parts (ImpactPoints):
an age gap beyond the free band, each child's risks to others, a risk one child poses that the
other is specifically exposed to, and risks both share that spread in a peer group.  A child's
impact in a home is the sum over the residents (and, in a batch, over the other children proposed
for the same home); an empty home scores zero.  The home weighs the same things in its own impact
risk assessment; this score ranks homes, it does not replace that assessment.

`impact_items` explains a pair point by point; `impact_against_residents` gives the same totals
for one child against every home at once.  A unit test holds the two to agree.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matching.feasibility import HomeTable, token_bits
from matching.model import ImpactItem, ImpactPoints, Referral, vocab


def _exposures(points: ImpactPoints):
    for key, value in points.exposure.items():
        posed, exposed = key.split(">")
        yield posed, exposed, value


def impact_items(child, other, other_label: str, points: ImpactPoints) -> list[ImpactItem]:
    """Every point between `child` and `other` (Residents or Referrals), with its reason."""
    items = []

    def add(value: float, reason: str) -> None:
        if value:
            items.append(ImpactItem(other=other_label, points=float(value), reason=reason))

    gap = abs(child.age - other.age)
    add(
        max(0, gap - points.age_gap_free_years) * points.per_year_beyond,
        f"{gap} years apart (free band {points.age_gap_free_years})",
    )
    for risk in vocab.RISKS_TO_OTHERS:
        if risk in child.risks_to_others:
            add(points.posing.get(risk, 0.0), f"child poses {risk} to others")
        if risk in other.risks_to_others:
            add(points.posing.get(risk, 0.0), f"{other_label} poses {risk} to others")
    for posed, exposed, value in _exposures(points):
        if posed in child.risks_to_others and exposed in other.risks_to_self:
            add(value, f"child poses {posed}; {other_label} is at risk of {exposed}")
        if posed in other.risks_to_others and exposed in child.risks_to_self:
            add(value, f"{other_label} poses {posed}; child is at risk of {exposed}")
    for risk in vocab.RISKS_TO_SELF:
        if risk in child.risks_to_self and risk in other.risks_to_self:
            add(points.shared.get(risk, 0.0), f"both at risk of {risk}")
    return items


def pair_impact(child, other, points: ImpactPoints) -> float:
    return sum(item.points for item in impact_items(child, other, "other", points))


def _has(bits: np.ndarray, token: str, vocabulary: tuple[str, ...]) -> np.ndarray:
    return (bits >> vocabulary.index(token)) & 1


def impact_against_residents(child, table: HomeTable, points: ImpactPoints) -> np.ndarray:
    """The child's total impact points against the residents of every home (0 if empty)."""
    if len(table.resident_age) == 0:
        return np.zeros(len(table))
    rts, rto = table.resident_risks_to_self, table.resident_risks_to_others
    gap = np.abs(table.resident_age - child.age)
    per_resident = np.maximum(0.0, gap - points.age_gap_free_years) * points.per_year_beyond
    per_resident += sum(points.posing.get(r, 0.0) for r in child.risks_to_others)
    for risk in vocab.RISKS_TO_OTHERS:
        per_resident += points.posing.get(risk, 0.0) * _has(rto, risk, vocab.RISKS_TO_OTHERS)
    for posed, exposed, value in _exposures(points):
        if posed in child.risks_to_others:
            per_resident += value * _has(rts, exposed, vocab.RISKS_TO_SELF)
        if exposed in child.risks_to_self:
            per_resident += value * _has(rto, posed, vocab.RISKS_TO_OTHERS)
    for risk in child.risks_to_self:
        per_resident += points.shared.get(risk, 0.0) * _has(rts, risk, vocab.RISKS_TO_SELF)
    return np.bincount(table.resident_home, weights=per_resident, minlength=len(table))


def impact_between(children: Sequence, points: ImpactPoints) -> np.ndarray:
    """Impact points between every two of the children (Referrals), as pair_impact gives them
    one pair at a time: a matrix, 0 on the diagonal."""
    ages = np.array([child.age for child in children], dtype=float)
    rts = np.array([token_bits(child.risks_to_self, vocab.RISKS_TO_SELF) for child in children])
    rto = np.array([token_bits(child.risks_to_others, vocab.RISKS_TO_OTHERS) for child in children])
    rts, rto = rts.reshape(-1), rto.reshape(-1)  # an empty batch stays one-dimensional
    gap = np.abs(ages[:, None] - ages[None, :])
    matrix = np.maximum(0.0, gap - points.age_gap_free_years) * points.per_year_beyond
    posing = sum(
        points.posing.get(risk, 0.0) * _has(rto, risk, vocab.RISKS_TO_OTHERS)
        for risk in vocab.RISKS_TO_OTHERS
    )
    matrix = matrix + posing[:, None] + posing[None, :]
    for posed, exposed, value in _exposures(points):
        poses = _has(rto, posed, vocab.RISKS_TO_OTHERS)
        exposed_to = _has(rts, exposed, vocab.RISKS_TO_SELF)
        matrix = matrix + value * (np.outer(poses, exposed_to) + np.outer(exposed_to, poses))
    for risk, value in points.shared.items():
        at_risk = _has(rts, risk, vocab.RISKS_TO_SELF)
        matrix = matrix + value * np.outer(at_risk, at_risk)
    np.fill_diagonal(matrix, 0.0)
    return matrix


def resident_label(home_id: str, position: int) -> str:
    return f"resident {position + 1} of home {home_id}"


def items_in_home(
    child, home, co_placed: Sequence[Referral], points: ImpactPoints
) -> tuple[ImpactItem, ...]:
    """The explained points of the child against each resident of one home and each other
    child proposed for it (co_placed, siblings excepted)."""
    against_residents = [
        item
        for position, resident in enumerate(home.residents)
        for item in impact_items(child, resident, resident_label(home.id, position), points)
    ]
    against_co_placed = [
        item
        for other in co_placed
        for item in impact_items(child, other, f"referral {other.id}", points)
    ]
    return tuple(against_residents + against_co_placed)

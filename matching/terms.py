"""How many beds a placement takes and what it costs: the one rule, for the optimiser and the web.

Siblings placed together take one bed each at the home's weekly fee.  A child for whom solo care
is recommended, or any child in a solo-only home, takes the whole home (DESIGN.md: "the cost of
the whole home is the cost of the placement"): every vacant bed, at the home's solo fee where it
has one, else the fee for every registered place.

`beds_and_cost` is the rule itself, written so that it applies alike to one home (numbers) and to
every home of a HomeTable at once (numpy arrays); `placement_terms` is its face for one home.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


class HomeWithFees(Protocol):
    """What the rule reads of a home (matching.Home has it; so can a web record)."""

    places: int
    vacancies: int
    weekly_fee: float
    solo_only: bool
    solo_weekly_fee: float | None


@dataclass(frozen=True)
class PlacementTerms:
    """A placement's beds and weekly cost; `per_child` is what each placed child is recorded at."""

    beds: int
    weekly_cost: float  # the whole placement, in pounds a week
    per_child: float
    whole_home: bool


def beds_and_cost(places, vacancies, weekly_fee, solo_only, solo_weekly_fee, children, solo):
    """(beds taken, weekly cost of the whole placement) of `children` placed together, `solo`
    if any of them needs solo care.  `solo_weekly_fee` is NaN where a home has no solo fee."""
    whole_home = np.logical_or(solo, solo_only)
    whole_home_cost = np.where(np.isnan(solo_weekly_fee), weekly_fee * places, solo_weekly_fee)
    beds = np.where(whole_home, vacancies, children)
    cost = np.where(whole_home, whole_home_cost, weekly_fee * children)
    return beds, cost


def placement_terms(home: HomeWithFees, children: int = 1, solo: bool = False) -> PlacementTerms:
    """The beds and weekly cost of placing `children` (a sibling group, or one child) in the
    home; `solo` if any of them needs solo care."""
    if children < 1:
        raise ValueError("a placement has at least one child")
    solo_fee = np.nan if home.solo_weekly_fee is None else home.solo_weekly_fee
    beds, cost = beds_and_cost(
        home.places, home.vacancies, home.weekly_fee, home.solo_only, solo_fee, children, solo
    )
    return PlacementTerms(
        beds=int(beds),
        weekly_cost=float(cost),
        per_child=float(cost) / children,
        whole_home=bool(solo or home.solo_only),
    )

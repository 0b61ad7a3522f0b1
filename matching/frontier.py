"""The trade-off between near home and cost: several proposals, from nearest to cheapest.

Every proposal places the same most children (the value step is solved once and shared), and
each is Pareto-optimal between "near home" (the default policy's first tier) and cost (weekly
fees with the Ofsted grade priced in) where its solve is proven: no proposal placing as many is
both nearer and cheaper.

- The nearest end is the default policy's proposal (near home first, then the children already
  living there, then cost), followed by "near home first, at least cost", as near but choosing
  cost before the children already there: the default's extra cost buys less group impact.
- The cheapest end is the lowest-cost policy's (cost first, then near home).
- Between "at least cost" and the cheapest, the dichotomic method for two objectives (Aneja &
  Nair, "Bicriteria transportation problem", Management Science 1979): for two neighbouring
  proposals A (nearer) and B (cheaper), price a near-home point at exactly what A's extra cost
  buys of B's extra distance, lambda = (cost A - cost B) / (near B - near A), and minimise
  lambda * near + cost.  A proposal strictly better than both at that price is a new point
  between them; if there is none, A and B are neighbours on the frontier.  The widest gap in
  cost is refined first.

`compare(nearer, cheaper)` gives what the difference means for children, as data and in words:
"£X more a week keeps N more children within 20 miles, M fewer at a distance".
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from time import perf_counter

from matching.assignment_model import Progress, SolveContext
from matching.batch import (
    RESULT_SECONDS,
    VALUE_BOUND_SECONDS,
    MostPlaced,
    lowest_tiers,
    most_placed,
)
from matching.feasibility import HomeTable
from matching.model import Instance, Outcomes, Result
from matching.policy import (
    LOWEST_COST,
    NEAR_HOME_AT_LEAST_COST,
    NEAR_HOME_FIRST,
    Policy,
    near_home_priced,
)
from matching.problem import Problem, prepare

# Of the time limit, what the shared value step may take (it normally takes far less).
VALUE_SHARE = 0.2


@dataclass(frozen=True)
class FrontierPoint:
    result: Result
    near_home: int  # the default policy's near-home tier (points; lower is nearer)
    cost: int  # the cost tier: weekly fees with the Ofsted grade priced in, whole pounds


@dataclass(frozen=True)
class Comparison:
    """What the nearer proposal gives for its extra cost, against the cheaper one."""

    extra_weekly_fees: float
    more_within_20_miles: int
    fewer_at_a_distance: int
    fewer_out_of_area: int
    mean_km_nearer: float
    fewer_impact_points: float
    sentence: str


@dataclass(frozen=True)
class Frontier:
    points: tuple[FrontierPoint, ...]  # nearest first, cheapest last
    seconds: float
    stopped: bool

    @property
    def proposals(self) -> tuple[Result, ...]:
        return tuple(point.result for point in self.points)

    def comparisons(self) -> tuple[Comparison, ...]:
        """Each proposal against the next cheaper one."""
        return tuple(
            compare(a.result.outcomes, b.result.outcomes)
            for a, b in zip(self.points, self.points[1:], strict=False)
        )


def frontier(
    instance: Instance,
    points: int = 5,
    time_limit: float = 60.0,
    seed: int = 0,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    table: HomeTable | None = None,
) -> Frontier:
    """At least `points` proposals from nearest to cheapest where the batch has that many
    (fewer only if there are no more, or time or a stop ends the search).

    progress receives the solver's dicts with "point" (1-based, in the order found) and
    "points" added; returning True (or setting `stop`) stops, keeping the points found.
    """
    started = perf_counter()
    deadline = started + max(0.0, time_limit - RESULT_SECONDS - VALUE_BOUND_SECONDS)
    nearest_problem = prepare(instance, table, NEAR_HOME_FIRST)
    search = _Search(nearest_problem, points, seed, progress, stop, deadline)
    value_deadline = started + (deadline - started) * VALUE_SHARE
    most = most_placed(search.context(nearest_problem, value_deadline, 0), value_deadline)
    search.most = most
    default = search.solve(NEAR_HOME_FIRST, [most.placement])
    found = [search.solve(NEAR_HOME_AT_LEAST_COST, [default.result_placement])]
    if not search.stopped:
        found.append(search.solve(LOWEST_COST, [most.placement, found[0].result_placement]))
    found = [default, *_distinct(found)]
    while len(found) < points and not search.stopped and perf_counter() < deadline:
        segment = _widest_open_segment(found)
        if segment is None:
            break
        nearer, cheaper = found[segment], found[segment + 1]
        price = (nearer.cost - cheaper.cost) / (cheaper.near - nearer.near)
        point = search.solve(
            near_home_priced(price), [nearer.result_placement, cheaper.result_placement]
        )
        line = nearer.weighted(price)  # = cheaper.weighted(price)
        if nearer.near < point.near < cheaper.near and point.weighted(price) < line * (1 - 1e-9):
            found.insert(segment + 1, point)
        else:
            nearer.closed_towards_cheaper = True
    return Frontier(
        tuple(FrontierPoint(p.result, p.near, p.cost) for p in found),
        perf_counter() - started,
        search.stopped,
    )


@dataclass
class _Found:
    result: Result
    result_placement: dict[int, int]
    near: int
    cost: int
    closed_towards_cheaper: bool = False  # no supported point between it and the next

    def weighted(self, price: float) -> float:
        return price * self.near + self.cost


class _Search:
    """Solves one point of the frontier at a time, sharing the value step and the time."""

    def __init__(
        self,
        problem: Problem,
        points: int,
        seed: int,
        progress: Progress | None,
        stop: threading.Event | None,
        deadline: float,
    ):
        self.problem, self.points, self.seed = problem, points, seed
        self.progress, self.stop, self.deadline = progress, stop, deadline
        self.cost_view = problem.under(LOWEST_COST)
        self.most: MostPlaced | None = None  # the value step, once solved
        self.solved = 0
        self.stopped = False

    def context(self, problem: Problem, deadline: float, point: int) -> SolveContext:
        def report(update: dict) -> bool:
            if self.progress is None:
                return False
            return bool(self.progress({**update, "point": point, "points": self.points}))

        now = perf_counter()
        return SolveContext(problem, now, deadline, self.seed, 0.0, report, self.stop)

    def solve(self, policy: Policy, starts: list[dict[int, int]]) -> _Found:
        self.solved += 1
        share = max(0.0, self.deadline - perf_counter()) / max(1, self.points - self.solved + 1)
        problem = self.problem.under(policy) if policy is not NEAR_HOME_FIRST else self.problem
        context = self.context(problem, perf_counter() + share, self.solved)
        result = lowest_tiers(context, self.most, starts, context.deadline)
        self.stopped = self.stopped or result.status == "stopped"
        placement = _placement_of(problem, result)
        return _Found(
            result,
            placement,
            near=self.problem.key(placement)[1],
            cost=self.cost_view.key(placement)[1],
        )


def _placement_of(problem: Problem, result: Result) -> dict[int, int]:
    index = problem.table.index
    unit_of = {child.id: u for u, unit in enumerate(problem.units) for child in unit.members}
    return {unit_of[a.referral]: index[a.home] for a in result.assignments}


def _distinct(found: list[_Found]) -> list[_Found]:
    """Nearest first; a cheapest end no cheaper than the nearest is the same point."""
    if len(found) == 2 and found[1].cost >= found[0].cost:
        return found[:1]
    return found


def _widest_open_segment(found: list[_Found]) -> int | None:
    """The open segment of the near-home and cost trade-off with the widest gap in cost (the
    default policy's proposal, first, is only nearer in the children already there)."""
    open_segments = [
        i
        for i in range(1, len(found) - 1)
        if not found[i].closed_towards_cheaper and found[i + 1].near > found[i].near
    ]
    if not open_segments:
        return None
    return max(open_segments, key=lambda i: found[i].cost - found[i + 1].cost)


def compare(nearer: Outcomes, cheaper: Outcomes) -> Comparison:
    """What `nearer` gives for what it costs more than `cheaper`, as data and in words."""
    extra = nearer.weekly_fees - cheaper.weekly_fees
    within = cheaper.over_20_miles - nearer.over_20_miles
    distance = cheaper.at_a_distance - nearer.at_a_distance
    area = cheaper.out_of_area - nearer.out_of_area
    gains = [
        _children(within, "more", "within 20 miles of home"),
        _children(distance, "fewer", "at a distance"),
        _children(area, "fewer", "out of their area"),
    ]
    losses = [
        _children(-within, "fewer", "within 20 miles of home"),
        _children(-distance, "more", "at a distance"),
        _children(-area, "more", "out of their area"),
    ]
    gains, losses = [g for g in gains if g], [loss for loss in losses if loss]
    cost = f"£{abs(extra):,.0f} {'more' if extra >= 0 else 'less'} a week"
    nearer_km = cheaper.mean_km - nearer.mean_km
    less_impact = cheaper.impact - nearer.impact
    if gains:
        sentence = f"{cost} keeps {_joined(gains)}"
    elif round(nearer_km, 1) > 0:
        sentence = f"{cost} brings children {nearer_km:.1f} km nearer home on average"
    else:
        sentence = f"{cost} places children as near home"
    if less_impact > 0 and not gains:
        sentence += (
            f", with {less_impact:,.0f} fewer points of impact on the children already "
            "living in the homes"
        )
    if losses:
        sentence += ", but " + _joined(losses)
    return Comparison(
        extra_weekly_fees=extra,
        more_within_20_miles=within,
        fewer_at_a_distance=distance,
        fewer_out_of_area=area,
        mean_km_nearer=nearer_km,
        fewer_impact_points=less_impact,
        sentence=sentence,
    )


def _children(count: int, more_or_fewer: str, where: str) -> str:
    if count <= 0:
        return ""
    noun = "child" if count == 1 else "children"
    return f"{count} {more_or_fewer} {noun} {where}"


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]

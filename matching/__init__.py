"""Hearth's optimiser: feasibility, group impact, scoring, single search and batch proposals.

Pure Python + numpy + OR-Tools: plain dataclasses in (matching.model), plain dataclasses out.
"""

from matching.batch import solve
from matching.feasibility import REASON_TEXT, HomeTable
from matching.frontier import Comparison, Frontier, FrontierPoint, compare, frontier
from matching.greedy import greedy, nearest_home
from matching.instance_json import (
    InstanceError,
    dump_instance,
    frontier_to_dict,
    load_instance,
    result_to_dict,
    weights_with_overrides,
)
from matching.model import (
    Assignment,
    Avoid,
    Home,
    ImpactPoints,
    Instance,
    Outcomes,
    Referral,
    Resident,
    Result,
    RuleBreak,
    SearchResult,
    TierOutcome,
    Unplaced,
    Weights,
    vocab,
)
from matching.policy import DEFAULT_POLICY, POLICIES, Policy, Tier
from matching.search import search
from matching.terms import PlacementTerms, placement_terms
from matching.validate import validate

__all__ = [
    "DEFAULT_POLICY",
    "POLICIES",
    "REASON_TEXT",
    "Assignment",
    "Avoid",
    "Comparison",
    "Frontier",
    "FrontierPoint",
    "Home",
    "HomeTable",
    "ImpactPoints",
    "Instance",
    "InstanceError",
    "Outcomes",
    "PlacementTerms",
    "Policy",
    "Referral",
    "Resident",
    "Result",
    "RuleBreak",
    "SearchResult",
    "Tier",
    "TierOutcome",
    "Unplaced",
    "Weights",
    "compare",
    "dump_instance",
    "frontier",
    "frontier_to_dict",
    "greedy",
    "load_instance",
    "nearest_home",
    "placement_terms",
    "result_to_dict",
    "search",
    "solve",
    "validate",
    "vocab",
    "weights_with_overrides",
]

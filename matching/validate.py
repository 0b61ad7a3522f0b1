"""An independent check of a proposal against every hard rule.

Written from DESIGN.md's rule list, deliberately sharing no code with the feasibility mask or
the solver's model (distances come from geopy, not the vectorised haversine), so a bug in the
engine shows up here as a rule break instead of being repeated.
"""

from __future__ import annotations

from collections import defaultdict

from geopy.distance import great_circle

from matching.model import Home, Instance, Referral, Result, RuleBreak

AT_RISK = {"sexual_exploitation", "criminal_exploitation"}
POSING = {"sexual_harm", "criminal_exploitation"}


def validate(instance: Instance, result: Result) -> list[RuleBreak]:
    """Every hard rule the proposal breaks (empty when it breaks none)."""
    homes = {home.id: home for home in instance.homes}
    referrals = {child.id: child for child in instance.referrals}
    breaks: list[RuleBreak] = []
    placed_in: dict[str, list[Referral]] = defaultdict(list)
    home_of: dict[str, str] = {}
    for assignment in result.assignments:
        child, home = referrals.get(assignment.referral), homes.get(assignment.home)
        if child is None or home is None:
            breaks.append(RuleBreak("unknown_id", assignment.referral, assignment.home, ""))
            continue
        if child.id in home_of:
            breaks.append(RuleBreak("placed_twice", child.id, home.id, ""))
            continue
        home_of[child.id] = home.id
        placed_in[home.id].append(child)
        breaks.extend(_child_in_home(child, home))
    breaks.extend(_siblings_together(instance.referrals, home_of))
    for home_id, children in placed_in.items():
        breaks.extend(_group_in_home(homes[home_id], children))
    return breaks


def _child_in_home(child: Referral, home: Home) -> list[RuleBreak]:
    def broken(rule: str, detail: str) -> RuleBreak:
        return RuleBreak(rule, child.id, home.id, detail)

    breaks = []
    if home.registration_status != "active" or home.short_break_only:
        breaks.append(broken("not_taking_placements", "suspended or short-break-only"))
    if not home.min_age <= child.age <= home.max_age:
        breaks.append(broken("age", f"age {child.age} outside {home.min_age}-{home.max_age}"))
    if child.sex not in home.sexes:
        breaks.append(broken("sex", f"{child.sex} not catered for"))
    if not set(child.needs) <= set(home.needs):
        breaks.append(broken("needs", f"needs {sorted(set(child.needs) - set(home.needs))}"))
    if child.secure_order != (home.type == "secure_childrens_home"):
        breaks.append(broken("secure", "secure order if and only if secure home"))
    if child.pets == "no" and home.has_pets:
        breaks.append(broken("pets", "child cannot live with pets"))
    if child.pets == "must" and not home.has_pets:
        breaks.append(broken("pets", "child needs a home with pets"))
    here = (home.lat, home.lon)
    for zone in child.avoid:
        if great_circle((zone.lat, zone.lon), here).km < zone.radius_km:
            breaks.append(broken("avoid", "home inside an avoided area"))
    if child.max_distance_km is not None:
        distance = great_circle((child.lat, child.lon), here).km
        if distance > child.max_distance_km:
            breaks.append(broken("max_distance", f"{distance:.1f} km > {child.max_distance_km}"))
    # "Helped and protected" is Ofsted's limiting judgement: inadequate there is inadequate.
    inadequate = "inadequate" in (home.ofsted_grade, home.safety_grade)
    if inadequate and not (child.inadequate_override_reason or "").strip():
        breaks.append(broken("inadequate", "inadequate home without a recorded override"))
    if child.needed_by == "today" and not home.accepts_emergencies:
        breaks.append(broken("emergency", "needed today; the home takes no emergency placement"))
    if child.keep_school and child.school_lat is not None and child.school_lon is not None:
        school_km = great_circle((child.school_lat, child.school_lon), here).km
        if school_km > child.max_school_km:
            breaks.append(
                broken("school_distance", f"{school_km:.1f} km from school > {child.max_school_km}")
            )
    if child.pinned_home is not None and home.id != child.pinned_home:
        breaks.append(broken("pinned", f"pinned to {child.pinned_home}"))
    if home.id in child.excluded_homes:
        breaks.append(broken("excluded", "home ruled out by the consortium lead"))
    return breaks


def _siblings_together(referrals, home_of: dict[str, str]) -> list[RuleBreak]:
    groups: dict[str, list[Referral]] = defaultdict(list)
    for child in referrals:
        if child.sibling_group is not None:
            groups[child.sibling_group].append(child)
    breaks = []
    for group, children in groups.items():
        homes = {home_of.get(child.id) for child in children}
        if len(homes) > 1:
            breaks.append(RuleBreak("siblings_split", None, None, f"sibling group {group}"))
    return breaks


def _group_in_home(home: Home, children: list[Referral]) -> list[RuleBreak]:
    breaks = []
    if len(children) > home.vacancies:
        breaks.append(
            RuleBreak("capacity", None, home.id, f"{len(children)} children, {home.vacancies} beds")
        )
    everyone = list(home.residents) + children
    for child in children:
        others = [other for other in everyone if not _siblings(child, other)]
        others = [other for other in others if other is not child]
        if others and (child.living_alongside == "solo" or home.solo_only):
            breaks.append(RuleBreak("solo", child.id, home.id, "another child in a solo placement"))
        for other in others:
            if child.living_alongside == "older_only" and other.age <= child.age:
                breaks.append(RuleBreak("only_older", child.id, home.id, f"lives with {other}"))
            if child.living_alongside == "younger_only" and other.age >= child.age:
                breaks.append(RuleBreak("only_younger", child.id, home.id, f"lives with {other}"))
    for i, child in enumerate(children):
        for other in list(home.residents) + children[i + 1 :]:
            if _exploitation(child, other):
                breaks.append(RuleBreak("exploitation", child.id, home.id, f"placed with {other}"))
    return breaks


def _siblings(child: Referral, other) -> bool:
    group = getattr(other, "sibling_group", None)
    return group is not None and group == child.sibling_group


def _exploitation(a, b) -> bool:
    return bool(
        (set(a.risks_to_self) & AT_RISK and set(b.risks_to_others) & POSING)
        or (set(b.risks_to_self) & AT_RISK and set(a.risks_to_others) & POSING)
    )

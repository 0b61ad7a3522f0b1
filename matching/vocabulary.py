"""Every token the optimiser reads, defined once, with the words users see for it.

The tokens are those of the hearth-matching/1 JSON and of the web app's forms and database
alike (DESIGN.md). A member is the token itself (a str), so it can be stored, compared and
written to JSON as one; `.label` is what a page shows. The web app's own statuses live in
commissioning.vocabulary, built on the same Token base.
"""

from enum import StrEnum


class Token(StrEnum):
    """A stored token and its label: `Need.AUTISM == "autism"`, `Need.AUTISM.label`."""

    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def labelled(cls, tokens) -> list[str]:
        """The labels of some of this list's tokens, in the list's own order."""
        wanted = set(tokens or ())
        return [member.label for member in cls if member in wanted]


class Need(Token):
    """Needs a home caters for; a home caters for a child only if it caters for every one of
    the child's needs (Children's Homes Regulations 2015, reg 14 and Schedule 1)."""

    EMOTIONAL_BEHAVIOURAL = "emotional_behavioural", "Emotional and behavioural difficulties"
    LEARNING_DISABILITY = "learning_disability", "Learning disability"
    PHYSICAL_DISABILITY = "physical_disability", "Physical disability"
    AUTISM = "autism", "Autism"
    MENTAL_HEALTH = "mental_health", "Mental health needs"
    SEXUALISED_BEHAVIOUR = "sexualised_behaviour", "Sexualised behaviour"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    THERAPEUTIC = "therapeutic", "Therapeutic care"


class RiskToSelf(Token):
    """The six risks to the child of the placements data standard v2."""

    SELF_HARM = "self_harm", "Self-harm"
    SEXUAL_EXPLOITATION = "sexual_exploitation", "Sexual exploitation"
    CRIMINAL_EXPLOITATION = "criminal_exploitation", "Criminal exploitation"
    DRUGS_ALCOHOL = "drugs_alcohol", "Drugs and alcohol"
    EATING_DISORDER = "eating_disorder", "Eating disorder"
    GOING_MISSING = "going_missing", "Going missing"


class RiskToOthers(Token):
    """The five risks to others or property of the placements data standard v2."""

    PHYSICAL_HARM = "physical_harm", "Physical harm"
    SEXUAL_HARM = "sexual_harm", "Sexual harm"
    FIRE_SETTING = "fire_setting", "Fire-setting"
    HARM_TO_ANIMALS = "harm_to_animals", "Harm to animals"
    CRIMINAL_EXPLOITATION = "criminal_exploitation", "Criminal exploitation of others"


class Sex(Token):
    plural: str

    F = "F", "Girl"
    M = "M", "Boy"


Sex.F.plural, Sex.M.plural = "Girls", "Boys"


class LivingAlongside(Token):
    """Who the child can live alongside (placements data standard v2)."""

    SOLO = "solo", "Solo placement recommended (no other children)"
    WITH_OTHERS = "with_others", "With other children"
    OLDER_ONLY = "older_only", "Only with older children"
    YOUNGER_ONLY = "younger_only", "Only with younger children"
    NO_PREFERENCE = "no_preference", "No preference"


class Pets(Token):
    MUST = "must", "Must live with pets"
    CAN = "can", "Can live with pets"
    NO = "no", "Cannot live with pets"
    UNKNOWN = "unknown", "Not known"


class NeededBy(Token):
    """When the placement is needed (placements data standard v2)."""

    TODAY = "today", "Today (emergency)"
    WITHIN_5_DAYS = "lt5days", "Within 5 days"
    LATER = "gt5days", "In more than 5 days"


class HomeType(Token):
    """A home as the optimiser sees it: a residential special school registered as a
    children's home is one in law."""

    CHILDRENS_HOME = "childrens_home", "Children's home"
    SECURE_CHILDRENS_HOME = "secure_childrens_home", "Secure children's home"


class OfstedGrade(Token):
    """Ofsted's four grades, best first; "Requires improvement to be good" means adequate
    and is never excluded by default (Narey review, rec 21-22)."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement to be good"
    INADEQUATE = "inadequate", "Inadequate"
    NONE = "none", "Not yet inspected"

    def at_least(self, lowest: "OfstedGrade") -> bool:
        """Graded `lowest` or better (a home not yet inspected meets no such bar)."""
        order = list(OfstedGrade)
        return self is not OfstedGrade.NONE and order.index(self) <= order.index(lowest)


class RegistrationStatus(Token):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    CLOSED = "closed", "Closed (not on the latest register)"


# Homes that may still take a child: on the latest register (closed ones are kept for history).
RegistrationStatus.OPEN = frozenset({RegistrationStatus.ACTIVE, RegistrationStatus.SUSPENDED})

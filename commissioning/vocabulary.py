"""Display names for the tokens stored in the database and used in hearth-matching/1."""

PROVISION_TYPES = {
    "childrens_home": "Children's home",
    "secure_childrens_home": "Secure children's home",
    "residential_special_school": "Residential special school (registered as a children's home)",
}
SECTORS = {
    "private": "Private",
    "local_authority": "Local authority",
    "voluntary": "Voluntary",
    "health_authority": "Health authority",
}
# Ofsted's four grades, best first. "Requires improvement to be good" means adequate.
GRADES = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement to be good",
    "inadequate": "Inadequate",
}
REGISTRATION_STATUSES = {
    "active": "Active",
    "suspended": "Suspended",
    "closed": "Closed (not on the latest register)",
}
LOCATION_PRECISIONS = {
    "local_authority": "Local authority (Ofsted redacts the postcode)",
    "district": "Postcode district",
}


def label(vocabulary: dict[str, str], token: str | None, missing: str = "Not inspected") -> str:
    return vocabulary.get(token, token) if token else missing


def labels(tokens, vocabulary: dict[str, str]) -> list[str]:
    """Display names of a list of tokens, in the vocabulary's order."""
    return [text for token, text in vocabulary.items() if token in set(tokens)]


# The controlled lists of the placements data standard v2 (SocialCareData/placements-standard)
# and DESIGN.md; tokens are matching.model.vocab's, so forms, database and optimiser agree.
NEEDS = {
    "emotional_behavioural": "Emotional and behavioural difficulties",
    "learning_disability": "Learning disability",
    "physical_disability": "Physical disability",
    "autism": "Autism",
    "mental_health": "Mental health needs",
    "sexualised_behaviour": "Sexualised behaviour",
    "substance_misuse": "Substance misuse",
    "therapeutic": "Therapeutic care",
}
RISKS_TO_SELF = {
    "self_harm": "Self-harm",
    "sexual_exploitation": "Sexual exploitation",
    "criminal_exploitation": "Criminal exploitation",
    "drugs_alcohol": "Drugs and alcohol",
    "eating_disorder": "Eating disorder",
    "going_missing": "Going missing",
}
RISKS_TO_OTHERS = {
    "physical_harm": "Physical harm",
    "sexual_harm": "Sexual harm",
    "fire_setting": "Fire-setting",
    "harm_to_animals": "Harm to animals",
    "criminal_exploitation": "Criminal exploitation of others",
}
SEXES = {"F": "Girls", "M": "Boys"}
ROLES = {
    "commissioner": "Commissioner",
    "provider": "Provider",
    "analyst": "Analyst",
    "admin": "Admin",
}
AUDIT_ACTIONS = {
    "vacancies.update": "Vacancies updated",
    "statement_of_purpose.update": "Statement of purpose updated",
    "fee.update": "Weekly fee updated",
    "location.update": "Location updated",
    "resident.add": "Child added to the current group",
    "resident.remove": "Child removed from the current group",
    "user.create": "Account created",
    "user.disable": "Account disabled",
    "user.enable": "Account enabled",
    "user.sign_in": "Signed in",
    "user.sign_out": "Signed out",
    "user.password_change": "Password changed",
    "user.two_factor_enable": "Two-factor authentication set up",
    "user.two_factor_reset": "Two-factor authentication reset",
    "role_policy.two_factor": "Roles requiring two-factor authentication changed",
    "referral.create": "Referral started",
    "referral.update": "Referral changed",
    "referral.submit": "Referral submitted",
    "offer.send": "Referral sent to the home",
    "offer.accept": "Home accepted",
    "offer.decline": "Home declined",
    "offer.withdraw": "Offer withdrawn",
    "placement.confirm": "Placement confirmed",
    "batch.start": "Batch proposal started",
    "batch.cancel": "Batch proposal cancelled",
    "needs_analysis.upload": "Needs analysis uploaded",
    "needs_analysis.form": "Needs analysis line entered",
}

# Placements data standard v2: when the placement is needed, and who the child can live with.
NEEDED_BY = {
    "today": "Today (emergency)",
    "lt5days": "Within 5 days",
    "gt5days": "In more than 5 days",
}
LIVING_ALONGSIDE = {
    "solo": "Solo placement recommended (no other children)",
    "with_others": "With other children",
    "older_only": "Only with older children",
    "younger_only": "Only with younger children",
    "no_preference": "No preference",
}
PETS = {
    "must": "Must live with pets",
    "can": "Can live with pets",
    "no": "Cannot live with pets",
    "unknown": "Not known",
}
COMMUNICATION_NEEDS = {
    "esol": "English as a second or other language (ESOL)",
    "bsl": "British Sign Language (BSL)",
    "makaton": "Makaton",
    "other_signing": "Another sign or symbol system",
    "interpreter": "Needs an interpreter",
}
REFERRAL_STATUSES = {
    "draft": "Draft",
    "ready": "Ready to send",
    "offered": "Sent to homes",
    "placed": "Placed",
    "withdrawn": "Withdrawn",
}
OFFER_STATUSES = {
    "sent": "Waiting for the home",
    "accepted": "Accepted",
    "declined": "Declined",
    "withdrawn": "Withdrawn",
    "confirmed": "Placement confirmed",
}
# Why a home declines a referral: kept for the sufficiency dashboards.
DECLINE_REASONS = {
    "no_vacancy": "No vacancy now",
    "impact_on_current_group": "Impact on the current group",
    "outside_statement_of_purpose": "Outside the statement of purpose",
    "cannot_meet_needs": "Cannot meet the child's needs",
    "location_unsuitable": "Location unsuitable for the child",
    "staffing": "Not enough staff",
    "other": "Another reason (in the assessment)",
}

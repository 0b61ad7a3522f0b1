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

"""Tokens of the needs analysis template and of placements, with their display names."""

# The three kinds of placement a needs analysis projects: a bed in a children's home shared
# with other children, a solo placement (the child alone, the whole home's cost), and a secure
# welfare bed (a child under a secure accommodation order, s25 Children Act 1989).
PLACEMENT_TYPES = {
    "standard": "Standard residential",
    "solo": "Solo",
    "secure": "Secure welfare",
}


def placement_type_of_home(provision_type: str, places: int, solo_only: bool) -> str:
    """The kind of placement a home offers: secure, solo (one place, or solo only), standard."""
    if provision_type == "secure_childrens_home":
        return "secure"
    return "solo" if places == 1 or solo_only else "standard"


# Where a child with a secure accommodation order lives: in a secure children's home, or,
# while no secure bed is free, in a solo or shared children's home instead.
SECURE_ORDER_ROUTES = {
    "secure": "Secure children's home",
    "solo": "Solo placement while waiting for a secure bed",
    "standard": "Children's home with others while waiting for a secure bed",
}

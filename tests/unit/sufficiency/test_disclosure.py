"""Secondary suppression: no hidden count of 1 to 4 children can be worked out from what is
shown, by subtraction or any other linear combination (tests/disclosure_attack.py tries)."""

from sufficiency.metrics.disclosure import Structure, protect
from tests.disclosure_attack import AT_LEAST_0, ranges


def attack(structure: Structure):
    """What an attacker can say about every sensitive cell after protection."""
    protection = protect(structure)
    hidden = {
        key: AT_LEAST_0
        for key in structure.values
        if protection.is_hidden(key) or key not in structure.published
    }
    shown = {key: v for key, v in structure.values.items() if key not in hidden}
    relations = [(r.total, r.parts) for r in structure.relations]
    sensitive = [key for key in hidden if structure.is_sensitive(key)]
    return protection, ranges(relations, shown, hidden, sensitive)


def row(structure: Structure, total: str, parts: dict[str, int], published=True) -> None:
    for key, value in parts.items():
        structure.add(
            key, value, published=published if isinstance(published, bool) else key in published
        )
    structure.add(total, sum(parts.values()))
    structure.relate(total, parts)


def test_blackburn_in_area_is_no_longer_placed_less_out_of_area():
    """Issue 14: 32 placed, 29 out of area, so 3 in area. Now out of area is hidden too."""
    s = Structure()
    row(s, "placed", {"in area": 3, "out of area": 29}, published={"out of area"})
    protection, found = attack(s)
    assert protection.secondary == {"out of area"}
    assert not found["in area"].pinned


def test_a_cost_table_cell_is_not_its_total_less_the_other_cells():
    """Issue 14: standard residential cells summing to 849 plus one "<5" beside 850."""
    s = Structure()
    row(s, "total", {"£0-2k": 120, "£2-4k": 300, "£4-6k": 429, "£6-8k": 1})
    protection, found = attack(s)
    assert protection.primary == {"£6-8k"}
    assert protection.secondary == {"£0-2k"}  # the smallest non-zero
    assert found["£6-8k"].low == 0 and found["£6-8k"].high == 121


def test_two_ones_beside_their_total_are_not_left_alone():
    """Two hidden cells protect each other: each can be 0 to 2."""
    s = Structure()
    row(s, "total", {"a": 1, "b": 1, "c": 10, "d": 20})
    protection, found = attack(s)
    assert protection.secondary == set()
    assert not any(found[key].pinned for key in ("a", "b"))


def test_a_cell_bridging_two_protected_blocks_is_protected_too():
    """In a table with row and column totals, a hidden cell joining two otherwise protected
    groups can be worked out though every row and column has two hidden cells."""
    s = Structure()
    grid = {
        ("r1", "c1"): 2,
        ("r1", "c2"): 3,
        ("r1", "c3"): 30,
        ("r2", "c1"): 3,
        ("r2", "c2"): 2,
        ("r2", "c3"): 40,
        ("r3", "c1"): 50,
        ("r3", "c2"): 60,
        ("r3", "c3"): 1,
    }
    for key, value in grid.items():
        s.add(key, value)
    for r in ("r1", "r2", "r3"):
        s.add(r, sum(v for k, v in grid.items() if k[0] == r))
        s.relate(r, [k for k in grid if k[0] == r])
    for c in ("c1", "c2", "c3"):
        s.add(c, sum(v for k, v in grid.items() if k[1] == c))
        s.relate(c, [k for k in grid if k[1] == c])
    s.add("all", sum(grid.values()), level=1)
    s.relate("all", ["r1", "r2", "r3"])
    s.relate("all", ["c1", "c2", "c3"])
    protection, found = attack(s)
    assert not any(r.pinned for r in found.values()), found


def test_nothing_is_hidden_where_nothing_is_small():
    s = Structure()
    row(s, "total", {"a": 10, "b": 0, "c": 7})
    protection = protect(s)
    assert not protection.primary and not protection.secondary


def test_a_zero_is_hidden_only_when_nothing_else_can_be():
    s = Structure()
    row(s, "total", {"a": 3, "b": 0, "c": 0, "d": 12})
    protection, found = attack(s)
    assert protection.secondary == {"d"}

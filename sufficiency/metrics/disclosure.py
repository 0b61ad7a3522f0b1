"""Cell suppression that holds against subtraction: primary and secondary suppression.

DfE statistics practice: a count of 1 to 4 children is not published, and wherever a hidden
count could be worked out from a row, a column or a total, a second cell is hidden too, the
smallest that protects it (DfE, "Children looked after in England", methodology; Manchester
2022 hides both ">20 miles" cells of its new-placements table). DfE marks every hidden cell
alike ("c"): a mark saying "1 to 4" would itself give counts away (four authorities marked
"1 to 4" in a region marked "1 to 4" are 1 each), so Hearth does the same.

A `Structure` holds every cell of a family of tables: the published counts, the unpublished
ones an attacker could still aim at (a difference such as "placed in area" = placed less out
of area), and the linear relations among them (total = sum of parts), for every local
authority and every area made of them. `protect` hides cells until no count from 1 to 4,
published or not, can be pinned down from what is shown by someone who knows every relation
and that counts are never negative; a hidden cell they could pin down all the same is shown.

Three steps, repeated until nothing changes:
1. DfE's rule, applied as they do by hand: a relation whose only hidden cell is sensitive
   gets a second hidden cell, the smallest non-zero one (a hidden zero is soon
   given away by the zeros around it), a local authority's before an area's.
2. An exact audit of what is left: a linear programme finds the cells every solution puts at
   0, and random directions that keep every relation (least squares) show which cells can
   move at all. A cell that cannot is pinned.
3. For each pinned cell, a linear programme finds the cheapest shown cells whose hiding lets
   it move, and hides them.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse.linalg import lsqr

SMALLEST_SHOWN = 5
# A hidden cell that moves less than this along every probe direction takes a single value:
# cells the relations fix come out below 1e-12, free ones above 1e-5 (measured nationally).
PINNED_TOLERANCE = 1e-9
PROBES = 3
# How far from a pinned cell to look for cells to hide, and whether to leave England's cells
# out: near first and England's totals shown, then further, then anything.
NEIGHBOURHOOD_RADII = ((4, True), (8, True), (64, False))

CellKey = Hashable


@dataclass(frozen=True)
class Relation:
    """total = sum(parts), between cells of a structure."""

    total: CellKey
    parts: tuple[CellKey, ...]

    @property
    def cells(self) -> tuple[CellKey, ...]:
        return (self.total, *self.parts)


@dataclass
class Structure:
    """The cells of a family of tables (value, published or not, area level) and their
    relations. Level 0 is a local authority's cell; a larger area has a higher level, and
    secondary suppression hides the lower level first, as DfE does."""

    values: dict[CellKey, int] = field(default_factory=dict)
    published: set[CellKey] = field(default_factory=set)
    levels: dict[CellKey, int] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)

    def add(self, key: CellKey, value: int, published: bool = True, level: int = 0) -> None:
        self.values[key] = value
        self.levels[key] = level
        if published:
            self.published.add(key)

    def relate(self, total: CellKey, parts: Iterable[CellKey]) -> None:
        self.relations.append(Relation(total, tuple(parts)))

    def is_sensitive(self, key: CellKey) -> bool:
        return 0 < self.values[key] < SMALLEST_SHOWN

    def relations_by_cell(self) -> dict[CellKey, list[Relation]]:
        relations_of: dict[CellKey, list[Relation]] = defaultdict(list)
        for relation in self.relations:
            for key in relation.cells:
                relations_of[key].append(relation)
        return relations_of


@dataclass(frozen=True)
class Protection:
    """The published cells hidden: those of 1 to 4 (primary) and those hidden to protect
    them (secondary). Both show as "c"."""

    primary: frozenset[CellKey]
    secondary: frozenset[CellKey]

    def is_hidden(self, key: CellKey) -> bool:
        return key in self.primary or key in self.secondary


def protect(structure: Structure) -> Protection:
    unpublished = set(structure.values) - structure.published
    primary = {key for key in structure.published if structure.is_sensitive(key)}
    hidden = primary | unpublished
    relations_of = structure.relations_by_cell()
    while True:
        known, breaches = _worked_out(structure, hidden, relations_of)
        if breaches:
            _add_complements(structure, hidden, known, relations_of, breaches)
            continue
        pinned = pinned_cells(structure, hidden - known, structure.is_sensitive)
        if not pinned:
            break
        _free(structure, hidden, relations_of, pinned)
    # A complement the attacker can work out all the same protects nothing: show it (showing
    # what is already known tells nothing new).
    secondary = (hidden - primary - unpublished) - known
    secondary -= set(pinned_cells(structure, hidden - known, secondary.__contains__))
    return Protection(frozenset(primary), frozenset(secondary))


# ---- step 1: subtraction, and DfE's rule


def _worked_out(
    structure: Structure, hidden: set, relations_of: dict[CellKey, list[Relation]]
) -> tuple[set, dict[CellKey, Relation]]:
    """What an attacker works out by subtraction alone: the cells a relation leaves as its
    only unknown, over and over. Returns the known cells (shown or worked out) and the
    breaches: sensitive cells worked out, each with the relation that gave it away."""
    known = set(structure.values) - hidden
    unknown_count = {
        id(relation): sum(key in hidden for key in relation.cells)
        for relation in structure.relations
    }
    queue = [relation for relation in structure.relations if unknown_count[id(relation)] == 1]
    breaches: dict[CellKey, Relation] = {}
    while queue:
        relation = queue.pop()
        if unknown_count[id(relation)] != 1:
            continue
        key = next(key for key in relation.cells if key not in known)
        if structure.is_sensitive(key):
            unknown_count[id(relation)] = 0
            breaches.setdefault(key, relation)
            continue
        known.add(key)
        for other in relations_of[key]:
            unknown_count[id(other)] -= 1
            if unknown_count[id(other)] == 1:
                queue.append(other)
    return known, breaches


def _add_complements(
    structure: Structure,
    hidden: set,
    known: set,
    relations_of: dict[CellKey, list[Relation]],
    breaches: dict[CellKey, Relation],
) -> None:
    """A complement for each breach, one per relation a round (a complement hidden for one
    cell often protects its neighbours too, and the next round checks). Where no single
    cell would do, the linear programme of step 3 finds the cells that will."""
    handled: set[int] = set()
    graph = None
    for key, relation in breaches.items():
        if id(relation) in handled:
            continue
        complement = _complement(structure, hidden, known, relations_of, relation, key)
        if complement is None:
            graph = graph or _Graph(structure)
            cells = _cells_freeing(structure, graph, hidden, key)
        else:
            cells = {complement}
        hidden.update(cells)
        handled.update(id(other) for cell in cells for other in relations_of[cell])
        handled.add(id(relation))


def _complement(
    structure: Structure,
    hidden: set,
    known: set,
    relations_of: dict[CellKey, list[Relation]],
    relation: Relation,
    protecting: CellKey,
) -> CellKey | None:
    """The shown cell to hide beside `protecting` in `relation`: non-zero before zero, a
    part before the total, a local authority's before an area's, smallest first, and one
    that no other relation gives away at once (its only unknown) before one that does. For
    an area's cell, only such a safe one: None if there is none (a chain of cells given
    away would end in the area's totals; the linear programme does better)."""
    candidates = []
    for position, key in enumerate(relation.cells):
        if key in hidden or key == protecting:
            continue
        exposed = any(
            all(cell in known or cell == protecting for cell in other.cells)
            for other in relations_of[key]
            if other is not relation
        )
        if exposed and structure.levels[protecting] > 0:
            continue
        value = structure.values[key]
        candidates.append(
            (value == 0, exposed, position == 0, structure.levels[key], value, repr(key), key)
        )
    return min(candidates)[-1] if candidates else None


# ---- step 2: the audit


def pinned_cells(
    structure: Structure, unknown: set, asked: Callable[[CellKey], bool]
) -> list[CellKey]:
    """The unknown cells `asked` about that every solution consistent with what the attacker
    knows gives the same value."""
    cells = sorted(unknown, key=repr)
    if not any(asked(key) for key in cells):
        return []
    index = {key: i for i, key in enumerate(cells)}
    matrix, constants = _equations(structure, index)
    at_zero = _always_zero(matrix, constants)
    moves = np.zeros(len(cells))
    free = np.flatnonzero(~at_zero)
    moves[free] = _largest_moves(matrix[:, free])
    return [key for key in cells if asked(key) and moves[index[key]] < PINNED_TOLERANCE]


def _equations(
    structure: Structure, index: dict[CellKey, int]
) -> tuple[sparse.csc_array, np.ndarray]:
    """Each relation as a row over the unknown cells, the known ones (shown or worked out)
    moved to the right-hand side."""
    rows, columns, coefficients, constants = [], [], [], []
    for relation in structure.relations:
        terms: dict[int, int] = defaultdict(int)
        constant = 0
        for key, sign in ((relation.total, 1), *((part, -1) for part in relation.parts)):
            if key in index:
                terms[index[key]] += sign
            else:
                constant -= sign * structure.values[key]
        terms = {column: c for column, c in terms.items() if c}
        if terms:
            rows += [len(constants)] * len(terms)
            columns += list(terms)
            coefficients += list(terms.values())
            constants.append(constant)
    matrix = sparse.csc_array(
        (coefficients, (rows, columns)), shape=(len(constants), len(index)), dtype=float
    )
    return matrix, np.array(constants, dtype=float)


def _always_zero(matrix: sparse.csc_array, constants: np.ndarray) -> np.ndarray:
    """Which cells are 0 in every non-negative solution of matrix @ x = constants.

    One linear programme over the homogenised system (Freund, Roundy and Todd, 1985):
    maximise the sum of t, each at most 1, subject to A x = s b, x >= t, s >= 1. A cell some
    solution makes positive gets t = 1 at the optimum (scale s up); one with t = 0 is 0 in
    every solution.
    """
    rows, size = matrix.shape
    # Columns: x (size), s, t (size). Rows: t - x <= 0.
    identity = sparse.identity(size, format="csr")
    inequality = sparse.hstack([-identity, sparse.csr_array((size, 1)), identity])
    equality = sparse.hstack(
        [matrix, sparse.csc_array(-constants[:, None]), sparse.csc_array((rows, size))]
    )
    result = linprog(
        np.concatenate([np.zeros(size + 1), -np.ones(size)]),
        A_ub=inequality,
        b_ub=np.zeros(size),
        A_eq=equality if rows else None,
        b_eq=np.zeros(rows) if rows else None,
        bounds=[(0.0, None)] * size + [(1.0, None)] + [(0.0, 1.0)] * size,
        method="highs",
    )
    if not result.success:
        raise ValueError(f"the published figures are inconsistent: {result.message}")
    return result.x[size + 1 :] < 0.5


def _largest_moves(matrix: sparse.csc_array) -> np.ndarray:
    """How far each cell moves along random directions that keep every relation: zero for a
    cell the relations fix. Each direction is a random vector less its projection on the
    row space (a least-squares solve), so a cell free to move gets a non-zero coordinate
    with probability one."""
    size = matrix.shape[1]
    if matrix.shape[0] == 0:
        return np.ones(size)
    generator = np.random.default_rng(0)
    transposed = matrix.T.tocsr()
    moves = np.zeros(size)
    for _ in range(PROBES):
        direction = generator.standard_normal(size)
        solution = lsqr(transposed, direction, atol=1e-15, btol=1e-15, iter_lim=20 * size)[0]
        moves = np.maximum(moves, np.abs(direction - transposed @ solution))
    return moves


# ---- step 3: freeing a pinned cell


class _Graph:
    """The structure's relations as a sparse matrix (a row per relation: +1 for the total,
    -1 for each part), for the linear programmes of step 3."""

    def __init__(self, structure: Structure):
        self.cells = list(structure.values)
        self.index = {key: i for i, key in enumerate(self.cells)}
        rows, columns, signs = [], [], []
        for row, relation in enumerate(structure.relations):
            for key, sign in ((relation.total, 1.0), *((part, -1.0) for part in relation.parts)):
                rows.append(row)
                columns.append(self.index[key])
                signs.append(sign)
        self.relations = sparse.csr_array(
            (signs, (rows, columns)), shape=(len(structure.relations), len(self.cells))
        )
        self.touches = abs(self.relations).tocsc()  # which cells each relation involves
        self.values = np.array([structure.values[key] for key in self.cells], dtype=float)
        self.levels = np.array([structure.levels[key] for key in self.cells])
        totals = Counter(relation.total for relation in structure.relations)
        self.costs = np.array(
            [
                _cost_of_hiding(structure.values[key], structure.levels[key], totals[key])
                for key in self.cells
            ]
        )

    def neighbourhood(self, key: CellKey, radius: int) -> np.ndarray:
        """The cells within `radius` relations of `key`, as a boolean mask."""
        reached = np.zeros(len(self.cells), dtype=bool)
        reached[self.index[key]] = True
        for _ in range(radius):
            rows = self.touches[:, reached].sum(axis=1) > 0
            grown = (self.touches[rows].sum(axis=0) > 0) | reached
            if (grown == reached).all():
                break
            reached = grown
        return reached


def _free(
    structure: Structure,
    hidden: set,
    relations_of: dict[CellKey, list[Relation]],
    pinned: list[CellKey],
) -> None:
    """For each pinned cell, hide the cheapest shown cells that let it move (one cell alone
    rarely does when several small counts are tied together). A pinned cell related to a
    cell hidden this round waits for the next audit: it is often free by then."""
    graph = _Graph(structure)
    nearby: set[CellKey] = set()
    for key in pinned:
        if key in nearby:
            continue
        cells = _cells_freeing(structure, graph, hidden, key)
        hidden.update(cells)
        nearby.update(other for cell in cells for r in relations_of[cell] for other in r.cells)


def _cells_freeing(structure: Structure, graph: _Graph, hidden: set, key) -> set[CellKey]:
    """The shown cells to hide so that `key` can change while every relation holds.

    A linear programme over the cells near `key` (further out, and England's totals too, if
    need be): a direction d
    with d[key] = 1 (or -1) that keeps every relation, takes no cell at 0 below 0 and moves
    no cell outside the neighbourhood, at the least cost of moving shown cells. The shown
    cells that move are the ones to hide: then every cell that moved, `key` with them, can
    take more than one value.
    """
    is_hidden = np.array([cell in hidden for cell in graph.cells])
    top = graph.levels.max()
    for radius, spare_the_top in NEIGHBOURHOOD_RADII:
        near = graph.neighbourhood(key, radius)
        if spare_the_top and structure.levels[key] < top:
            near &= graph.levels < top
        for direction in (1.0, -1.0) if structure.values[key] > 0 else (1.0,):
            moved = _cheapest_move(graph, is_hidden, near, graph.index[key], direction)
            if moved is not None:
                return {graph.cells[i] for i in moved}
    raise ValueError(f"cannot protect {key!r}")


def _cost_of_hiding(value: int, level: int, totals: int) -> float:
    """Information lost by hiding a cell: more for a larger one; far more for a larger
    area's (an area's 10 times an authority's, England's 1,000 times: hidden last); twice as
    much for each relation it is the total of (DfE keeps totals and hides their parts); and
    more for a zero (a hidden zero is soon given away by the zeros around it)."""
    area = 10.0 ** (level * (level + 1) / 2)
    return area * 2.0**totals * (10.0 if value == 0 else 1 + np.log10(1 + value))


def _cheapest_move(
    graph: _Graph, is_hidden: np.ndarray, near: np.ndarray, key: int, direction: float
) -> np.ndarray | None:
    """The shown cells (by index) a cheapest move of `key` needs, or None if it cannot move
    within the neighbourhood. Cells beyond it stay where they are: a relation reaching them
    binds only the cells inside."""
    hidden_cells = np.flatnonzero(near & is_hidden)
    shown_cells = np.flatnonzero(near & ~is_hidden)
    relations = graph.relations[graph.touches[:, near].sum(axis=1) > 0]
    on_hidden, on_shown = relations[:, hidden_cells], relations[:, shown_cells]
    # Columns: the move of each hidden cell, then each shown cell's move up and down.
    target = np.zeros((1, len(hidden_cells)))
    target[0, np.searchsorted(hidden_cells, key)] = 1.0
    equality = sparse.vstack(
        [
            sparse.hstack([on_hidden, on_shown, -on_shown]),
            sparse.hstack([sparse.csr_array(target), sparse.csr_array((1, 2 * len(shown_cells)))]),
        ]
    )
    right = np.zeros(equality.shape[0])
    right[-1] = direction
    at_zero = graph.values == 0
    bounds = [
        *((0.0 if at_zero[i] else None, None) for i in hidden_cells),
        *((0.0, None) for _ in shown_cells),
        *((0.0, 0.0 if at_zero[i] else None) for i in shown_cells),
    ]
    costs = np.concatenate(
        [np.zeros(len(hidden_cells)), graph.costs[shown_cells], graph.costs[shown_cells]]
    )
    result = linprog(costs, A_eq=equality, b_eq=right, bounds=bounds, method="highs")
    if not result.success:
        return None
    moves = result.x[len(hidden_cells) :]
    return shown_cells[(moves[: len(shown_cells)] + moves[len(shown_cells) :]) > 1e-9]

"""An attacker of suppressed tables, independent of the suppression code: given the linear
relations between published figures (total = sum of parts) and the figures shown, it finds
the range each hidden figure can take, one linear programme per bound (scipy's HiGHS).
Every hidden figure is "c", as in DfE's tables: all the attacker knows of one is that it is
a whole number, at least 0."""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

AT_LEAST_0 = (0, None)


@dataclass(frozen=True)
class Range:
    low: float
    high: float

    @property
    def pinned(self) -> bool:
        """Only one whole number fits (the attacker knows counts are whole)."""
        if np.isinf(self.high):
            return False
        return int(np.floor(self.high + 1e-6)) <= int(np.ceil(self.low - 1e-6))


def ranges(
    relations: Iterable[tuple[Hashable, Iterable[Hashable]]],
    shown: dict[Hashable, float],
    hidden: dict[Hashable, tuple[float, float | None]],
    targets: Iterable[Hashable] | None = None,
    at_most: Iterable[tuple[dict[Hashable, float], float]] = (),
) -> dict[Hashable, Range]:
    """The range of each target hidden figure (every hidden one unless told), given its
    bounds in `hidden` (AT_LEAST_0) and inequalities sum(coefficient * figure) <= bound (what
    a rounded share says)."""
    unknowns = sorted(hidden, key=repr)
    column = {key: i for i, key in enumerate(unknowns)}
    equal = _Rows(column, shown)
    for total, parts in relations:
        terms: dict[Hashable, float] = {}
        for key, sign in ((total, 1.0), *((part, -1.0) for part in parts)):
            terms[key] = terms.get(key, 0.0) + sign
        equal.add(terms, 0.0, check=total)
    upper = _Rows(column, shown)
    for coefficients, bound in at_most:
        upper.add(coefficients, bound)
    bounds = [hidden[key] for key in unknowns]
    a_ub, b_ub, a_eq, b_eq = upper.matrix(), upper.bounds(), equal.matrix(), equal.bounds()
    found = {}
    for key in targets if targets is not None else unknowns:
        objective = np.zeros(len(unknowns))
        objective[column[key]] = 1.0
        ends = []
        for sign in (1.0, -1.0):
            result = linprog(
                sign * objective,
                A_ub=a_ub,
                b_ub=b_ub,
                A_eq=a_eq,
                b_eq=b_eq,
                bounds=bounds,
                method="highs",
            )
            assert result.status in (0, 3), result.message  # 3: unbounded above
            # Only a maximum can be unbounded: every figure is at least 0.
            ends.append(sign * result.fun if result.status == 0 else np.inf)
        found[key] = Range(ends[0], ends[1])
    return found


class _Rows:
    """Linear rows over the unknown figures, the shown ones moved to the right."""

    def __init__(self, column: dict[Hashable, int], shown: dict[Hashable, float]):
        self.column, self.shown = column, shown
        self.entries: list[tuple[int, int, float]] = []
        self.right: list[float] = []

    def add(self, terms: dict[Hashable, float], bound: float, check=None) -> None:
        row = len(self.right)
        entries = []
        for key, coefficient in terms.items():
            if not coefficient:
                continue
            if key in self.column:
                entries.append((row, self.column[key], coefficient))
            else:
                bound -= coefficient * self.shown[key]
        if entries:
            self.entries += entries
            self.right.append(bound)
        elif check is not None:
            assert abs(bound) < 1e-6, f"the published figures disagree about {check!r}"

    def matrix(self):
        if not self.right:
            return None
        rows, columns, values = zip(*self.entries, strict=True)
        return sparse.csr_array(
            (values, (rows, columns)), shape=(len(self.right), len(self.column))
        )

    def bounds(self):
        return np.array(self.right) if self.right else None

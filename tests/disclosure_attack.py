"""An attacker of suppressed tables, independent of the suppression code: given the linear
relations between published figures (total = sum of parts) and the figures shown, it finds
the range each hidden figure can take, one linear programme per bound (scipy's HiGHS).
Every hidden figure is "c", as in DfE's tables: all the attacker knows of one is that it is
a whole number, at least 0."""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

AT_LEAST_0 = (0, None)


@dataclass(frozen=True)
class Range:
    low: float
    high: float

    @property
    def pinned(self) -> bool:
        """Only one whole number fits (the attacker knows counts are whole)."""
        return int(np.floor(self.high + 1e-6)) <= int(np.ceil(self.low - 1e-6))


def ranges(
    relations: Iterable[tuple[Hashable, Iterable[Hashable]]],
    shown: dict[Hashable, float],
    hidden: dict[Hashable, tuple[float, float | None]],
    targets: Iterable[Hashable] | None = None,
) -> dict[Hashable, Range]:
    """The range of each target hidden figure (every hidden one unless told), given its
    bounds in `hidden` (AT_LEAST_0)."""
    unknowns = sorted(hidden, key=repr)
    column = {key: i for i, key in enumerate(unknowns)}
    rows, constants = [], []
    for total, parts in relations:
        row = np.zeros(len(unknowns))
        constant = 0.0
        for key, sign in ((total, 1.0), *((part, -1.0) for part in parts)):
            if key in column:
                row[column[key]] += sign
            else:
                constant -= sign * shown[key]
        if row.any():
            rows.append(row)
            constants.append(constant)
        else:
            assert abs(constant) < 1e-9, f"the published figures disagree about {total!r}"
    equations = np.array(rows) if rows else None
    bounds = [hidden[key] for key in unknowns]
    found = {}
    for key in targets if targets is not None else unknowns:
        objective = np.zeros(len(unknowns))
        objective[column[key]] = 1.0
        ends = []
        for sign in (1.0, -1.0):
            result = linprog(
                sign * objective,
                A_eq=equations,
                b_eq=np.array(constants) if rows else None,
                bounds=bounds,
                method="highs",
            )
            assert result.status in (0, 3), result.message  # 3: unbounded above
            ends.append(sign * result.fun if result.status == 0 else sign * np.inf)
        found[key] = Range(ends[0], ends[1])
    return found

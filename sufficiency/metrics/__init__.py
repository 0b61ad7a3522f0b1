"""Pure sufficiency metrics: plain dataclasses in, suppressed tables out (no Flask, no ORM).

Every function returns `Table`s whose counts about children are already suppressed, so a chart,
an HTML table and a CSV drawn from the same table can never disagree.
"""

"""Sufficiency: needs analyses, supply and demand metrics and the analysts' dashboards.

Local authorities must secure sufficient accommodation for the children they look after
(Children Act 1989, s22G); these are the figures they plan it with.
"""

"""Hearth's web of record: the Flask app lives in commissioning.app.

This package's __init__ stays free of Flask so that the pure reference readers in
commissioning.reference can be used by the optimiser's bench without a web stack.
"""

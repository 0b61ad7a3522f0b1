"""Batch proposals: a consortium's whole waiting list optimised at once, in the background."""

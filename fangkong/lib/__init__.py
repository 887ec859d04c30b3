"""Framework-free helpers: ID numbers and documents, plates, phones, masking, division
codes, coordinates and crypto.

Nothing in this package imports Django, so it can be unit-tested and reused on its own.
"""

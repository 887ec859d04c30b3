"""Pure rostering engine: a general CP-SAT shift-rostering core and its police configuration.

Nothing here imports Django; everything takes and returns dataclasses.
"""

"""Lint rules and codemods for the defects that break Python data pipelines."""

__version__ = "0.1.0"

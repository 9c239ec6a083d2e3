"""Small ast helpers shared by the rule families."""

from reliability_lint.semantic.names import dotted_name

__all__ = ["dotted_name"]

"""Regressions (issue 18, mutmut) for what the rule families share: dotted names
(`rules._names`), which calls are a logger's (`rules._loggers`) and the file's semantic
model built once per file (`rules._lazy_model`), seen through the rules that use them."""

from __future__ import annotations

"""Regressions (issue 18, mutmut) for the auth family's Django support: URL configurations
read for their views, function and class views, their decorators and mixins; through the
command line in this process."""

from __future__ import annotations

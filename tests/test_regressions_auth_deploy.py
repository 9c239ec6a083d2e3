"""Regressions (issue 18, mutmut) for REL511-REL516: public deploys, scheduler jobs and push
subscriptions without authentication, secrets in environment variables, subscriptions
without a dead-letter topic; in scripts, CI files and Terraform, through the command line
in this process."""

from __future__ import annotations

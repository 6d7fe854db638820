"""Imports of the missions domain by kind, for ``manage.py import_data`` and the benchmarks."""

from __future__ import annotations

import tablib

from core.importing.summary import ImportSummary, run_resource_import

from .resources import RESOURCES


def run_import(*, kind: str, dataset: tablib.Dataset, acting_user, dry_run: bool = False):
    """Import ``dataset`` as ``kind`` for ``acting_user``, all-or-nothing."""
    # The command line reports counts and errors, so it skips the admin's per-row diffs.
    resource = RESOURCES[kind](acting_user=acting_user, html_diff=False)
    return run_resource_import(resource=resource, dataset=dataset, dry_run=dry_run)


__all__ = ["ImportSummary", "run_import"]

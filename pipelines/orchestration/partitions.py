"""Partitions where they pay: the crawl and the extraction, by county.

A county is what a source is: its portal is crawled and its documents extracted on their own,
so a backfill of one county re-crawls and re-extracts only it. The warehouse and what follows
stay unpartitioned: they are rebuilt from every county's staged, cached results in seconds,
so the published file is always one consistent build. Years are not partitions: one list page
holds every year, and a rebuild from cached results costs less than any year bookkeeping.
"""

from __future__ import annotations

from dagster import StaticPartitionsDefinition

from pipelines.core.settings import Settings
from pipelines.core.sources import load_sources

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"


def counties() -> list[str]:
    """The counties of the sources file the settings name (read when definitions load)."""
    try:
        names = [s.county for s in load_sources(Settings.resolve().sources_file)]
    except (OSError, ValueError):
        names = []
    return list(dict.fromkeys(names))


county_partitions = StaticPartitionsDefinition(counties())


def all_counties_tags() -> dict[str, str]:
    """Run tags for one run over every county (a single-run backfill of the whole range)."""
    keys = county_partitions.get_partition_keys()
    return {RANGE_START: keys[0], RANGE_END: keys[-1]} if keys else {}

"""Partitions where they pay: the crawl and the extraction, by county.

A county is what a source is: its portal is crawled and its documents extracted on their own,
so a backfill of one county re-crawls and re-extracts only it. The warehouse and what follows
stay unpartitioned: they are rebuilt from every county's stored, cached results in seconds,
so the published file is always one consistent build. Years are not partitions: one list page
holds every year, and a rebuild from cached results costs less than any year bookkeeping.
"""

from __future__ import annotations

from dagster import StaticPartitionsDefinition

from pipelines.core.settings import Settings
from pipelines.core.sources import load_sources

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"


def counties(settings: Settings) -> list[str]:
    """The counties of the settings' sources file (read when the definitions are built)."""
    try:
        names = [s.county for s in load_sources(settings.sources_file)]
    except (OSError, ValueError):
        names = []
    return list(dict.fromkeys(names))


def county_partitions(settings: Settings) -> StaticPartitionsDefinition:
    return StaticPartitionsDefinition(counties(settings))


def all_counties_tags(partitions: StaticPartitionsDefinition) -> dict[str, str]:
    """Run tags for one run over every county (a single-run backfill of the whole range)."""
    keys = partitions.get_partition_keys()
    return {RANGE_START: keys[0], RANGE_END: keys[-1]} if keys else {}

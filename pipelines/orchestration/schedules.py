"""The nightly run: the whole asset graph at 02:00 Beijing time."""

from __future__ import annotations

from dagster import (AssetSelection, DefaultScheduleStatus, RunRequest, ScheduleDefinition,
                     StaticPartitionsDefinition, define_asset_job, schedule)

from pipelines.orchestration.partitions import all_counties_tags

nightly_job = define_asset_job(
    "nightly", selection=AssetSelection.all(),
    description="Crawl every source, extract new documents, rebuild and publish the warehouse.",
)


def nightly_schedule(partitions: StaticPartitionsDefinition) -> ScheduleDefinition:
    @schedule(name="nightly_at_2am_shanghai", job=nightly_job, cron_schedule="0 2 * * *",
              execution_timezone="Asia/Shanghai", default_status=DefaultScheduleStatus.RUNNING)
    def nightly_at_2am_shanghai(context):
        """One run a night over every county's crawl and extraction, then the whole warehouse."""
        return RunRequest(tags=all_counties_tags(partitions))

    return nightly_at_2am_shanghai

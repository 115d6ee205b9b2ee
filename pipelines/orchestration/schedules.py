"""The nightly run: the whole asset graph at 02:00 Beijing time."""

from __future__ import annotations

from dagster import AssetSelection, DefaultScheduleStatus, ScheduleDefinition, define_asset_job

nightly_job = define_asset_job(
    "nightly", selection=AssetSelection.all(),
    description="Crawl every source, extract new documents, rebuild and publish the warehouse.",
)

nightly_schedule = ScheduleDefinition(
    name="nightly_at_2am_shanghai", job=nightly_job, cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai", default_status=DefaultScheduleStatus.RUNNING,
)

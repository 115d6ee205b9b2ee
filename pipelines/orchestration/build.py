"""Build the `Definitions` for given settings (the CLI passes its resolved options; the module
`pipelines.orchestration.definitions` builds them from the environment for `dagster dev`)."""

from __future__ import annotations

from dagster import Definitions, in_process_executor

from assets.crawl import assets as crawl_assets
from assets.extract import assets as extract_assets
from assets.published import assets as published_assets
from assets.report import assets as report_assets
from assets.warehouse import assets as warehouse_assets
from assets.warehouse import checks as warehouse_checks
from pipelines.orchestration.io_manager import LakeIOManagerFactory, PublishedWarehouseIOManager
from pipelines.orchestration.partitions import county_partitions
from pipelines.orchestration.resources import GongkaiSettings, RunLock
from pipelines.orchestration import schedules


def build_definitions(gongkai: GongkaiSettings | None = None) -> Definitions:
    gongkai = gongkai if gongkai is not None else GongkaiSettings.from_env()
    # The county partitions come from the sources file the settings name. EnvVar values are
    # resolved by Dagster when a run starts; to list the counties now, resolve them here.
    partitions = county_partitions(_resolved(gongkai).settings())
    return Definitions(
        assets=[published_assets.published_warehouse, *crawl_assets.build(partitions),
                *extract_assets.build(partitions), warehouse_assets.facts_and_dimensions,
                warehouse_assets.quality_issues, warehouse_assets.warehouse,
                report_assets.county_reports],
        asset_checks=[warehouse_assets.schema_checks, warehouse_checks.data_quality_checks],
        jobs=[schedules.nightly_job],
        schedules=[schedules.nightly_schedule(partitions)],
        # One process per run: the run lock is taken once and held by the whole run, and a
        # step costs no process start (the extraction fans out on its own pool).
        executor=in_process_executor,
        resources={
            "gongkai": gongkai,
            "run_lock": RunLock(gongkai=gongkai),
            "io_manager": LakeIOManagerFactory(gongkai=gongkai),
            "published_warehouse_io": PublishedWarehouseIOManager(gongkai=gongkai),
        },
    )


def _resolved(gongkai: GongkaiSettings) -> GongkaiSettings:
    import os

    from dagster import EnvVar

    values = {}
    for field in ("sources_file", "data_dir", "warehouse", "lake"):
        v = getattr(gongkai, field)
        values[field] = os.environ.get(v.env_var_name) if isinstance(v, EnvVar) else v
    return GongkaiSettings(**values)

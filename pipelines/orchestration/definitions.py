"""The `Definitions` that `dagster dev -m pipelines.orchestration.definitions`, the UI and
`gongkai run` load."""

from __future__ import annotations

from dagster import Definitions, load_asset_checks_from_modules, load_assets_from_modules

from assets.crawl import assets as crawl_assets
from assets.extract import assets as extract_assets
from assets.report import assets as report_assets
from assets.warehouse import assets as warehouse_assets
from assets.warehouse import checks as warehouse_checks
from pipelines.orchestration.resources import GongkaiSettings
from pipelines.orchestration.schedules import nightly_job, nightly_schedule

ASSET_MODULES = [crawl_assets, extract_assets, warehouse_assets, report_assets]

defs = Definitions(
    assets=load_assets_from_modules(ASSET_MODULES),
    asset_checks=load_asset_checks_from_modules([warehouse_checks]),
    jobs=[nightly_job],
    schedules=[nightly_schedule],
    resources={"gongkai": GongkaiSettings.from_env()},
)

"""The published warehouse as a run finds it: the cumulative state earlier runs left."""

from dagster import AssetSpec, DataVersion, ObserveResult, multi_observable_source_asset

from pipelines.orchestration.resources import file_version

SPEC = AssetSpec(
    "published_warehouse", group_name="warehouse", kinds={"duckdb"}, owners=["team:gongkai"],
    description="The published warehouse as this run finds it, read-only (dagster-duckdb): what "
                "earlier runs saw (reports with first_seen/last_seen, agencies, counties, runs). "
                "The extraction keeps the documents earlier runs fetched, and the build keeps "
                "their history: the warehouse is cumulative. Data version: the published "
                "file's identity (a publish is a rename, so a new file).",
).with_io_manager_key("published_warehouse_io")


@multi_observable_source_asset(specs=[SPEC], required_resource_keys={"gongkai"})
def published_warehouse(context):
    yield ObserveResult(asset_key=SPEC.key, data_version=DataVersion(
        file_version(context.resources.gongkai.settings().warehouse)))

"""The published warehouse as a run finds it: the cumulative state earlier runs left."""


from dagster import DataVersion, observable_source_asset

from pipelines.orchestration.resources import GongkaiSettings, file_version


@observable_source_asset(
    group_name="warehouse", kinds={"duckdb"}, owners=["team:gongkai"],
    io_manager_key="published_warehouse_io",
    description="The published warehouse as this run finds it, read-only (dagster-duckdb): what "
                "earlier runs saw (reports with first_seen/last_seen, agencies, counties, runs). "
                "The extraction keeps the documents earlier runs fetched, and the build keeps "
                "their history: the warehouse is cumulative. Data version: the published "
                "file's identity (a publish is a rename, so a new file).")
def published_warehouse(gongkai: GongkaiSettings) -> DataVersion:
    return DataVersion(file_version(gongkai.settings().warehouse))

"""The reviewer's reports, refreshed after every publish (so nightly): one per county and year."""


from dagster import (AssetExecutionContext, AssetIn, Failure, MaterializeResult, MetadataValue,
                     asset)

from pipelines.orchestration.resources import GongkaiSettings, RunLock


@asset(group_name="reports", deps=["warehouse"], ins={"quality_issues": AssetIn()},
       kinds={"html"}, owners=["team:gongkai"],
       description="The reviewer's report of every county and report year: "
                   "<data_dir>/reports/<county>/<year>/index.html (offline, Chinese, inline SVG "
                   "charts) and report.md, read from the published warehouse (read-only). "
                   "The findings with the cells they involve come from quality_issues. "
                   "Not run on a night the warehouse is not republished: the reports stand; "
                   "on a night it is, a county-year whose inputs did not change keeps its report. "
                   "A county-year whose report cannot be made gets a page saying why, the others "
                   "are made all the same, and the step then fails naming it.")
def county_reports(context: AssetExecutionContext, gongkai: GongkaiSettings, run_lock: RunLock,
                   quality_issues):
    from pipelines.report import raw_reader, write_all
    from pipelines.report.outcome import failure_description, index_table, log_message

    settings = gongkai.settings()
    folder = settings.data_dir / "reports"
    done = write_all(settings.warehouse, folder, quality_issues, raw_reader(settings.lake))
    failed = failure_description(done)
    (context.log.error if failed else context.log.info)(log_message(done, str(folder)))
    metadata = {
        "reports": len(done),
        "remade": sum(not d.get("reused") and not d.get("failed") for d in done),
        "failed": sum(bool(d.get("failed")) for d in done),
        "folder": MetadataValue.path(str(folder)),
        "index": MetadataValue.md(index_table(done)),
    }
    if failed:  # after making every other county-year's: the run goes on, and says so
        raise Failure(description=failed, metadata=metadata)
    return MaterializeResult(metadata=metadata)

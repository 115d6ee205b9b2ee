"""The reviewer's reports, refreshed after every publish (so nightly): one per county and year."""


from dagster import AssetExecutionContext, AssetIn, MaterializeResult, MetadataValue, asset

from pipelines.orchestration.resources import GongkaiSettings, RunLock


@asset(group_name="reports", deps=["warehouse"], ins={"quality_issues": AssetIn()},
       kinds={"html"}, owners=["team:gongkai"],
       description="The reviewer's report of every county and report year: "
                   "<data_dir>/reports/<county>/<year>/index.html (offline, Chinese, inline SVG "
                   "charts) and report.md, read from the published warehouse (read-only). "
                   "The findings with the cells they involve come from quality_issues. "
                   "Not run on a night the warehouse is not republished: the reports stand; "
                   "on a night it is, a county-year whose inputs did not change keeps its report.")
def county_reports(context: AssetExecutionContext, gongkai: GongkaiSettings, run_lock: RunLock,
                   quality_issues):
    from pipelines.report import write_all

    settings = gongkai.settings()
    folder = settings.data_dir / "reports"
    from pipelines.report import raw_reader

    done = write_all(settings.warehouse, folder, quality_issues, raw_reader(settings.lake))
    for d in done:
        kept = " (inputs unchanged: kept)" if d.get("reused") else ""
        context.log.info(f"report {d['county']} {d['year']}: {d['errors']} errors, "
                         f"{d['warnings']} warnings → {d['html']}{kept}")
    table = "\n".join(["| county | year | agencies | errors | warnings | html |",
                       "|---|---:|---:|---:|---:|---|"]
                      + [f"| {d['county']} | {d['year']} | {d['agencies']} | {d['errors']} | "
                         f"{d['warnings']} | {d['html']} |" for d in done])
    return MaterializeResult(metadata={
        "reports": len(done),
        "remade": sum(not d.get("reused") for d in done),
        "folder": MetadataValue.path(str(settings.data_dir / "reports")),
        "index": MetadataValue.md(table if done else "no county has current reports"),
    })

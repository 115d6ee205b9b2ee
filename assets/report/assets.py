"""The reviewer's reports, refreshed after every publish (so nightly): one per county and year."""


from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from pipelines.stages import steps
from pipelines.orchestration.resources import GongkaiSettings
from pipelines.report import raw_reader, write_all


@asset(group_name="reports", deps=["warehouse"], kinds={"html"}, owners=["team:gongkai"],
       description="The reviewer's report of every county and report year: "
                   "<data_dir>/reports/<county>/<year>/index.html (offline, Chinese, inline SVG "
                   "charts) and report.md, read from the published warehouse (read-only).")
def county_reports(context: AssetExecutionContext, gongkai: GongkaiSettings):
    settings = gongkai.settings()
    folder = settings.data_dir / "reports"
    if steps.unchanged(settings) and any(folder.rglob("index.html")):
        # The warehouse was left as it was: so are the reports written from it.
        context.log.info("nothing changed: the reviewer's reports stand as they are")
        return MaterializeResult(metadata={"unchanged": True,
                                           "folder": MetadataValue.path(str(folder))})
    done = write_all(settings.warehouse, folder, raw_reader(settings.lake))
    for d in done:
        context.log.info(f"report {d['county']} {d['year']}: {d['errors']} errors, "
                         f"{d['warnings']} warnings → {d['html']}")
    table = "\n".join(["| county | year | agencies | errors | warnings | html |",
                       "|---|---:|---:|---:|---:|---|"]
                      + [f"| {d['county']} | {d['year']} | {d['agencies']} | {d['errors']} | "
                         f"{d['warnings']} | {d['html']} |" for d in done])
    return MaterializeResult(metadata={
        "reports": len(done),
        "folder": MetadataValue.path(str(settings.data_dir / "reports")),
        "index": MetadataValue.md(table if done else "no county has current reports"),
    })

"""The `gongkai` command: run the pipeline, extract one report, open the Dagster UI."""

from __future__ import annotations

import argparse
import fcntl
import gc
import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from pipelines.core.collector import collection_paused
from pipelines.core.settings import Settings


# Dagster's default SQLite storage (an event-log file per run), without capturing each step's
# raw stdout/stderr: that capture starts two `tail -F` and two watcher interpreters per step
# (about 25 MiB and a quarter of a second each step). What the steps say is in the run's event
# log (context.log). Telemetry off: it writes a line (and reads the run storage) for each run
# event, about a tenth of a second of a no-change night. (Dagster's one-file event log,
# ConsolidatedSqliteEventLogStorage, would save ~0.6 s more of a no-change night, but Dagster
# documents it as meant for tests: not used.)
INSTANCE_YAML = """\
# written by gongkai (kept as you edit it)
compute_logs:
  module: dagster._core.storage.noop_compute_log_manager
  class: NoOpComputeLogManager
telemetry:
  enabled: false
"""

# What earlier versions wrote: a dagster.yaml still exactly so was not edited, and is brought
# up to date.
EARLIER_INSTANCE_YAMLS = ("""\
# written by gongkai (kept as you edit it)
compute_logs:
  module: dagster._core.storage.noop_compute_log_manager
  class: NoOpComputeLogManager
""",)


def _dagster_home(settings: Settings) -> Path:
    """Dagster's home under the data dir, with its instance config: run history survives
    restarts of `gongkai ui`. A dagster.yaml the user has written is left as it is."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    text = config.read_text(encoding="utf-8") if config.exists() else ""
    if not text.strip() or text in EARLIER_INSTANCE_YAMLS:
        config.write_text(INSTANCE_YAML, encoding="utf-8")
    return home


@contextmanager
def _instance_lock(home: Path):
    """One process at a time makes the data dir's Dagster instance: the first one creates its
    SQLite files (run storage, schedule storage, the event log's index), and Dagster's SQLite
    storages do not expect another process to create them at the same moment (the second one
    fails on a half-made file: "UNIQUE constraint failed: alembic_version", "table ... already
    exists"). A `flock`, held for the fraction of a second it takes."""
    with open(home / ".instance.lock", "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield  # closing the file releases the flock


def open_instance(settings: Settings):
    """The data dir's Dagster instance (its config brought up to date first)."""
    from dagster import DagsterInstance

    home = _dagster_home(settings)
    with _instance_lock(home):
        return DagsterInstance.from_config(str(home))


# The SQLite files Dagster makes with a new instance (its default storage).
STORAGE_FILES = ("history/runs.db", "schedules/schedules.db", "history/runs/index.db")


def _storage_made(settings: Settings) -> Path:
    """The data dir's Dagster home, its SQLite files made: the Dagster UI's processes
    (webserver, daemon, code server) start at once and would each try to make them."""
    home = _dagster_home(settings)
    with _instance_lock(home):
        if all((home / f).exists() for f in STORAGE_FILES):
            return home
    open_instance(settings).dispose()
    return home


def _reason(err) -> str:
    """The step's own exception, not Dagster's wrapper around it ("Error occurred while
    executing op ..."): the first non-Dagster error of the chain, e.g. the lake's LakeError
    (its own cause, a botocore error, is already in its message)."""
    if err is None:
        return ""
    chain = [err]
    while getattr(chain[-1], "cause", None) is not None:
        chain.append(chain[-1].cause)
    own = next((e for e in chain if not (e.cls_name or "").startswith("Dagster")), chain[-1])
    if own.cls_name == "Failure":  # a step's own account of its failure: its description
        return own.message.split(": ", 1)[-1].strip()
    return own.message.strip()


def cmd_run(args) -> int:
    settings = Settings.resolve(args.sources, args.warehouse, args.data_dir, args.lake,
                                dask_scheduler=args.dask_scheduler,
                                corrections=args.corrections)
    if not settings.sources_file.exists():
        print(f"gongkai: sources file not found: {settings.sources_file}", file=sys.stderr)
        return 2
    from pipelines.cli.sources_cmd import invalid_sources

    if invalid_sources(settings.sources_file, "gongkai run"):
        return 2  # before anything starts: no Dagster, no lock, no crawl
    from pipelines.orchestration.lock import RunLocked, run_lock

    started = time.perf_counter()
    print(f"gongkai run: sources {settings.sources_file}\n"
          f"             data dir {settings.data_dir}\n"
          f"             warehouse {settings.warehouse}\n"
          f"             lake {settings.lake}"
          + (f"\n             dask scheduler {settings.dask_scheduler}"
             if settings.dask_scheduler else "")
          + (f"\n             corrections {settings.corrections_file}"
             if settings.corrections_file.is_file() else ""), flush=True)
    try:
        # Taken here and again (re-entrantly) by the run's `run_lock` resource, which every
        # other way of launching a run (the schedule, the UI) takes alone.
        with run_lock(settings.data_dir):
            result = _execute(settings)
    except RunLocked as e:
        raise SystemExit(f"gongkai: {e}")
    seconds = time.perf_counter() - started
    if not result.success:
        failures = [e for e in result.all_events if e.is_step_failure]
        for event in failures:
            err = event.step_failure_data.error
            print(f"gongkai: step {event.step_key} failed: {_reason(err)}", file=sys.stderr)
        published = any(e.asset_key.to_user_string() == "warehouse"
                        for e in result.get_asset_materialization_events())
        print(f"gongkai: run failed after {seconds:.1f} s; "
              + (f"the warehouse was published ({settings.warehouse}), a step after it failed"
                 if published else "the published warehouse was not replaced"), file=sys.stderr)
        return 1
    from pipelines.cli.summary import print_summary

    events = {e.asset_key.to_user_string(): e for e in result.get_asset_materialization_events()}
    extraction = events.get("extracted_documents")
    # What the build left out of its sources (crawl_log: lines that are not requests).
    left_out = [m["left_out"] for m in map(_metadata, events.values()) if "left_out" in m]
    print_summary(settings, seconds, unchanged="warehouse" not in events,
                  extraction=_metadata(extraction) if extraction is not None else None,
                  left_out=left_out)
    return 0


def _metadata(event) -> dict:
    """A materialisation's metadata as plain values."""
    mat = event.step_materialization_data.materialization
    return {k: getattr(v, "value", v) for k, v in mat.metadata.items()}


def _execute(settings: Settings):
    """The nightly job, in this process, with these settings as its resources."""
    # No collections while Dagster, pandas and the engine are imported and the job and
    # instance built (see pipelines.core.collector).
    with collection_paused():
        # (this import is Dagster's: inside, as the rest of what is loaded)
        from pipelines.orchestration.partitions import all_counties_tags, county_partitions

        job, instance = _load(settings)
        # What was loaded lives as long as the process: frozen, the run's collections do not
        # walk it again each time (a full collection, ~0.2 s here).
        gc.freeze()
    try:
        with instance:
            return job.execute_in_process(
                instance=instance, raise_on_error=False,
                tags=all_counties_tags(county_partitions(settings)),  # every county, this run
                # Progress at INFO (each stage says what it did); Dagster's DEBUG events are in
                # the run's event log for the UI.
                run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}})
    finally:
        gc.unfreeze()  # a caller that goes on (the tests call main() in-process) keeps an
        # ordinary heap


def _load(settings: Settings):
    """The nightly job with these settings as its resources, and the data dir's Dagster
    instance."""
    from pipelines.orchestration.build import build_definitions
    from pipelines.orchestration.resources import GongkaiSettings

    job = build_definitions(GongkaiSettings.of(settings)).resolve_job_def("nightly")
    return job, open_instance(settings)


def cmd_extract(args) -> int:
    from pipelines.cli.extract_one import extract_one

    import httpx

    try:
        out = extract_one(args.target)
    except (OSError, ValueError, httpx.HTTPError) as e:  # a missing file, a URL that fails
        print(f"gongkai extract: cannot read {args.target}: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1, default=str))
    else:
        from pipelines.cli.extract_one import print_human

        print_human(out)
    return 0 if out["status"] in ("ok", "partial") else 1


def cmd_ui(args) -> int:
    settings = Settings.resolve(args.sources, args.warehouse, args.data_dir)
    env = os.environ | settings.as_env() | {"DAGSTER_HOME": str(_storage_made(settings))}
    dagster = Path(sys.executable).with_name("dagster")
    argv = [str(dagster) if dagster.exists() else "dagster", "dev",
            "-m", "pipelines.orchestration.definitions", "-h", "127.0.0.1", "-p", str(args.port)]
    print(f"gongkai ui: Dagster on http://127.0.0.1:{args.port} (home {settings.dagster_home})",
          flush=True)
    os.execvpe(argv[0], argv, env)
    return 0  # not reached


def cmd_report(args) -> int:
    """The reviewer's report of one county and year, from the published warehouse (read-only)."""
    settings = Settings.resolve(args.sources, args.warehouse, args.data_dir, args.lake)
    if not settings.warehouse.exists():
        print(f"gongkai report: no warehouse at {settings.warehouse}; run `gongkai run` first",
              file=sys.stderr)
        return 2
    from pipelines.report import raw_reader, write_report
    from pipelines.report.data import UnknownCounty

    out = Path(args.out) if args.out else settings.data_dir / "reports" / args.county / str(args.year)
    try:
        done = write_report(settings.warehouse, args.county, args.year, out.resolve(),
                            documents=raw_reader(settings.lake))
    except UnknownCounty as e:
        print(f"gongkai report: {e}", file=sys.stderr)
        return 2
    print(f"gongkai report: {args.county} {args.year}: {done['agencies']} agencies, "
          f"{done['errors']} errors, {done['warnings']} warnings, {done['evidence_images']} evidence "
          f"images\n  {done['html']}\n  {done['markdown']}\n  {done['excel']}")
    return 0


def cmd_compare(args) -> int:
    """Two reports cell by cell, from the published warehouse (read-only)."""
    settings = Settings.resolve(args.sources, args.warehouse, args.data_dir)
    if not settings.warehouse.exists():
        print(f"gongkai compare: no warehouse at {settings.warehouse}; run `gongkai run` first",
              file=sys.stderr)
        return 2
    from pipelines.report.compare import NotFound, as_html, as_text, compare

    try:
        done = compare(settings.warehouse, args.a, args.b)
    except NotFound as e:
        print(f"gongkai compare: {e}", file=sys.stderr)
        return 2
    print(as_text(done, every=args.all), end="")
    if args.html:
        Path(args.html).parent.mkdir(parents=True, exist_ok=True)
        Path(args.html).write_text(as_html(done), encoding="utf-8")
        print(f"written {args.html}")
    return 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sources", help="sources TOML (env GONGKAI_SOURCES; default: the bundled sample)")
    p.add_argument("--warehouse", help="published DuckDB file (env GONGKAI_WAREHOUSE; "
                                       "default <data-dir>/warehouse.duckdb)")
    p.add_argument("--data-dir", help="working files (env GONGKAI_DATA_DIR; default data/)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gongkai", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="crawl, extract, load, check and publish, in-process")
    _common(p_run)
    p_run.add_argument("--lake", help="raw documents and per-document results: a folder or an "
                                      "fsspec URL such as s3://bucket/prefix (env GONGKAI_LAKE; "
                                      "default <data-dir>/lake)")
    p_run.add_argument("--dask-scheduler", metavar="ADDRESS",
                       help="extract on this dask.distributed scheduler (tcp://host:8786) "
                            "instead of the local process pool; its workers need the lake "
                            "(env GONGKAI_DASK_SCHEDULER)")
    p_run.add_argument("--corrections", help="the reviewer's corrections CSV (env GONGKAI_CORRECTIONS; "
                                             "default <data-dir>/corrections.csv)")
    p_run.set_defaults(func=cmd_run)
    p_ex = sub.add_parser("extract", help="extract one report (PDF/HTML/DOCX file or URL)")
    p_ex.add_argument("target", help="a file path or an http(s) URL")
    p_ex.add_argument("--json", action="store_true", help="machine-readable output")
    p_ex.set_defaults(func=cmd_extract)
    p_ui = sub.add_parser("ui", help="start the Dagster UI and daemon on 127.0.0.1")
    p_ui.add_argument("--port", type=int, default=3000)
    _common(p_ui)
    p_ui.set_defaults(func=cmd_ui)
    p_rep = sub.add_parser("report", help="the reviewer's report (HTML + Markdown) of one county and year")
    p_rep.add_argument("--county", required=True, help="county name as in the sources file, e.g. 青山县")
    p_rep.add_argument("--year", type=int, required=True, help="the year the reports cover")
    p_rep.add_argument("--out", help="output folder (default <data-dir>/reports/<county>/<year>)")
    _common(p_rep)
    p_rep.add_argument("--lake", help="where the documents are, for the evidence images (env "
                                      "GONGKAI_LAKE; default <data-dir>/lake)")
    p_rep.set_defaults(func=cmd_report)
    p_cmp = sub.add_parser("compare", help="two reports cell by cell (sha256, report_id prefix, "
                                           "or AGENCY:YEAR such as 青山县人民政府:2022)")
    p_cmp.add_argument("a", help="the first report")
    p_cmp.add_argument("b", help="the second report")
    p_cmp.add_argument("--html", help="also write the comparison as an HTML page to this file")
    p_cmp.add_argument("--all", action="store_true", help="print every cell, not only those that differ")
    _common(p_cmp)
    p_cmp.set_defaults(func=cmd_compare)
    from pipelines.cli.sources_cmd import add_commands

    add_commands(sub, _common)
    args = parser.parse_args(argv)
    code = args.func(args)
    if argv is None:  # the process's own command: it ends here
        # Interpreter shutdown would run full garbage collections over everything loaded
        # (~1.5 s after a run, a fifth of a no-change night); frozen, they skip it. atexit
        # handlers and module teardown run as ever; the OS reclaims what is left.
        gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(main())

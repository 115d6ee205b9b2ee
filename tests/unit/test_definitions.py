"""The Dagster definitions, as a snapshot: every asset with its upstream dependencies, group and
code version; every asset check (and whether it blocks); the schedule; the resources."""

from __future__ import annotations

from dagster import AssetKey

from pipelines.document.version import EXTRACTOR_VERSION
from pipelines.orchestration.definitions import defs
from pipelines.stages.steps import BUILD_CODE_VERSION

BUILT = {"extracted_documents", "published_warehouse", "crawl_sources"}
FACT_DEPS = {"extracted_documents", "reports", "agencies"}
TABLES = ("counties", "agencies", "reports", "categories", "fact_applications", "fact_proactive",
          "fact_review_litigation", "fact_applications_superseded", "fact_proactive_superseded",
          "fact_review_litigation_superseded", "unmapped_cells", "crawl_log", "runs", "corrections")
B, X = "build", "extractor"  # code versions: the build code's digest, the extractor's digest
SNAPSHOT = {  # asset: (upstream assets, group, code version)
    "published_warehouse": (set(), "warehouse", None),
    "report_index": (set(), "crawl", None),
    "raw_documents": ({"report_index"}, "crawl", None),
    "crawl_sources": (set(), "crawl", None),
    "extracted_documents": ({"raw_documents", "published_warehouse"}, "extract", X),
    "counties": (BUILT, "warehouse", B),
    "agencies": (BUILT, "warehouse", B),
    "reports": (BUILT, "warehouse", B),
    "categories": (BUILT, "warehouse", B),
    "fact_applications": (FACT_DEPS, "warehouse", B),
    "fact_proactive": (FACT_DEPS, "warehouse", B),
    "fact_review_litigation": (FACT_DEPS, "warehouse", B),
    "fact_applications_superseded": (BUILT, "warehouse", B),
    "fact_proactive_superseded": (BUILT, "warehouse", B),
    "fact_review_litigation_superseded": (BUILT, "warehouse", B),
    "unmapped_cells": ({"extracted_documents", "reports"}, "warehouse", B),
    "crawl_log": (BUILT, "warehouse", B),
    "runs": (BUILT, "warehouse", B),
    "corrections": (BUILT, "warehouse", B),
    "quality_issues": ({"fact_applications", "fact_proactive", "fact_review_litigation",
                        "fact_applications_superseded", "fact_proactive_superseded",
                        "fact_review_litigation_superseded", "reports", "agencies",
                        "unmapped_cells", "crawl_sources"}, "warehouse", B),
    "warehouse": (set(TABLES) | {"quality_issues"}, "warehouse", B),
    "county_reports": ({"warehouse", "quality_issues"}, "reports", None),
}
CHECKS = {  # (asset, check): blocking
    **{(t, "schema_valid"): True for t in ("fact_applications", "fact_proactive",
                                           "fact_review_litigation", "reports")},
    ("fact_applications", "applications_balance"): False,
    ("fact_applications", "applications_row_total"): False,
    ("fact_applications", "applications_results_total"): False,
    ("fact_applications", "carry_over"): False,
    ("fact_review_litigation", "review_litigation_total"): False,
}


def test_every_asset_its_dependencies_group_and_code_version():
    graph = defs.resolve_asset_graph()
    got = {k.to_user_string(): graph.get(k) for k in graph.get_all_asset_keys()}
    assert set(got) == set(SNAPSHOT)
    versions = {B: BUILD_CODE_VERSION, X: EXTRACTOR_VERSION, None: None}
    for key, (deps, group, version) in SNAPSHOT.items():
        node = got[key]
        assert {p.to_user_string() for p in node.parent_keys} == deps, key
        assert node.group_name == group, key
        assert node.code_version == versions[version], key


def test_the_extraction_is_stale_when_the_extractor_changes():
    """Its code version is the extractor's digest (a digest of the extraction code)."""
    node = defs.resolve_asset_graph().get(AssetKey("extracted_documents"))
    assert node.code_version == EXTRACTOR_VERSION and EXTRACTOR_VERSION.startswith("1.")


def test_asset_checks():
    graph = defs.resolve_asset_graph()
    checks = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}
    assert set(CHECKS) <= checks
    blocking = {(s.asset_key.to_user_string(), s.name): s.blocking
                for a in graph.assets_defs for s in a.check_specs}
    assert {k: blocking[k] for k in CHECKS} == CHECKS


def test_nightly_schedule_runs_the_whole_graph_at_2am_shanghai():
    schedule = defs.resolve_schedule_def("nightly_at_2am_shanghai")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Asia/Shanghai"
    job = defs.resolve_job_def("nightly")
    materialised = set(SNAPSHOT) - {"published_warehouse"}  # observed, not materialised
    assert {k.to_user_string() for k in job.asset_layer.executable_asset_keys} == materialised


def test_resources_and_executor():
    assert set(defs.resources) >= {"gongkai", "run_lock", "io_manager", "published_warehouse_io"}
    assert defs.resolve_job_def("nightly").executor_def.name == "in_process"


def test_documents_version_ignores_dtypes():
    """The no-change night compares digests of frames that went through Parquet and concat:
    a year read back as 2021.0, or a blank as NaN instead of None, is the same document."""
    import pandas as pd

    from pipelines.stages.steps import documents_version

    a = pd.DataFrame({"county": ["甲县"], "document_url": ["u"], "year_hint": [2021],
                      "crawl_error": [None], "report_id": ["r1"]})
    b = a.astype({"year_hint": "float64"}).assign(crawl_error=float("nan"))
    assert documents_version(a) == documents_version(b)
    assert documents_version(a) != documents_version(a.assign(report_id="r2"))


def test_the_warehouse_reads_crawl_log_in_batches_and_every_other_table_as_a_frame():
    """crawl_log holds every request ever made: the lake hands it to the warehouse as Arrow
    batches (tests/unit/test_io_manager.py), never as one frame."""
    from assets.warehouse.assets import warehouse
    from pipelines.orchestration.io_manager import RECORD_BATCHES

    read_as = {i.name: dict(i.metadata) for i in warehouse.node_def.input_defs}
    assert read_as.pop("crawl_log") == RECORD_BATCHES
    assert set(read_as) == (set(TABLES) - {"crawl_log"}) | {"quality_issues"}
    assert not any(read_as.values())

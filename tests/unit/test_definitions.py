"""The Dagster definitions load, with the intended graph, checks and schedule."""

from __future__ import annotations

from dagster import AssetKey

from pipelines.orchestration.definitions import defs

EXPECTED_DEPS = {
    "report_index": set(),
    "raw_documents": {"report_index"},
    "extracted_documents": {"raw_documents"},
    "counties": {"extracted_documents"},
    "agencies": {"extracted_documents"},
    "reports": {"extracted_documents"},
    "categories": {"extracted_documents"},
    "fact_applications": {"extracted_documents", "reports", "agencies"},
    "fact_proactive": {"extracted_documents", "reports", "agencies"},
    "fact_review_litigation": {"extracted_documents", "reports", "agencies"},
    "unmapped_cells": {"extracted_documents", "reports"},
    "quality_issues": {"fact_applications", "fact_proactive", "fact_review_litigation"},
    "warehouse": {"counties", "agencies", "reports", "categories", "fact_applications",
                  "fact_proactive", "fact_review_litigation", "unmapped_cells", "quality_issues"},
    "county_reports": {"warehouse"},
}


def test_asset_graph_is_the_intended_one():
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert keys == set(EXPECTED_DEPS)
    for key, deps in EXPECTED_DEPS.items():
        parents = {p.to_user_string() for p in graph.get(AssetKey(key)).parent_keys}
        assert parents == deps, key


def test_asset_checks_cover_the_identities():
    graph = defs.resolve_asset_graph()
    checks = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}
    assert {("fact_applications", "applications_balance"),
            ("fact_applications", "applications_row_total"),
            ("fact_applications", "applications_results_total"),
            ("fact_review_litigation", "review_litigation_total"),
            ("fact_applications", "carry_over"),
            ("fact_applications", "schema_valid"),
            ("reports", "schema_valid")} <= checks


def test_nightly_schedule_runs_the_whole_graph_at_2am_shanghai():
    schedule = defs.resolve_schedule_def("nightly_at_2am_shanghai")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Asia/Shanghai"
    job = defs.resolve_job_def("nightly")
    assert {k.to_user_string() for k in job.asset_layer.executable_asset_keys} == set(EXPECTED_DEPS)

"""The real Dagster webserver on 127.0.0.1, asked through its GraphQL API: every asset with
its upstream dependencies and metadata, the asset checks, the nightly schedule (running by
default), and the run history that `gongkai run` left in the data dir's DAGSTER_HOME (its runs,
the assets' materialisations and data versions)."""

from __future__ import annotations

import json
import shutil
import urllib.request

import pytest

from tests.conftest import running_webserver

QUERY = """
{
  assetNodes {
    assetKey { path }
    dependencyKeys { path }
    description
    groupName
    kinds
    owners { ... on TeamAssetOwner { team } ... on UserAssetOwner { email } }
    assetChecksOrError { ... on AssetChecks { checks { name blocking } } }
    isPartitioned
    dataVersion
    staleStatus
    assetMaterializations(limit: 1) { runId }
  }
  repositoriesOrError {
    ... on RepositoryConnection {
      nodes { name schedules { name cronSchedule executionTimezone
                               scheduleState { status } } }
    }
  }
  runsOrError { ... on Runs { results { runId status jobName } } }
}
"""


def _graphql(base: str, query: str) -> dict:
    req = urllib.request.Request(base + "graphql", data=json.dumps({"query": query}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        body = json.loads(resp.read())
    assert "errors" not in body, body["errors"]
    return body["data"]


@pytest.fixture(scope="module")
def webserver(sample_warehouse, tmp_path_factory):
    # The sample run's DAGSTER_HOME, copied: its run history must be visible to a new server.
    home = tmp_path_factory.mktemp("dagster_ui") / "dagster"
    shutil.copytree(sample_warehouse["data_dir"] / "dagster", home)
    with running_webserver(home, sample_warehouse["data_dir"]) as base:
        yield _graphql(base, QUERY)


def _expected_deps() -> dict[str, set[str]]:
    """The graph the code defines (tests/unit/test_definitions.py pins its shape)."""
    from pipelines.orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    return {k.to_user_string(): {p.to_user_string() for p in graph.get(k).parent_keys}
            for k in graph.get_all_asset_keys()}


def test_every_asset_with_its_upstream_dependencies(webserver):
    nodes = {"/".join(n["assetKey"]["path"]): n for n in webserver["assetNodes"]}
    expected = _expected_deps()
    assert set(nodes) == set(expected)
    assert {"report_index", "raw_documents", "extracted_documents", "fact_applications",
            "quality_issues", "warehouse"} <= set(nodes)
    for key, deps in expected.items():
        got = {"/".join(d["path"]) for d in nodes[key]["dependencyKeys"]}
        assert got == deps, key
    for key, node in nodes.items():  # the UI explains itself to someone new
        assert node["description"] and len(node["description"]) > 30, key
        assert node["groupName"], key
        assert node["kinds"], key
        assert node["owners"], key


def test_asset_checks(webserver):
    checks = {("/".join(n["assetKey"]["path"]), c["name"]): c["blocking"]
              for n in webserver["assetNodes"]
              for c in (n["assetChecksOrError"] or {}).get("checks", [])}
    for check in ("applications_balance", "applications_row_total",
                  "applications_results_total", "carry_over", "schema_valid"):
        assert ("fact_applications", check) in checks
    assert ("fact_review_litigation", "review_litigation_total") in checks
    assert checks[("reports", "schema_valid")] is True  # blocking: a broken schema never publishes


def test_nightly_schedule_is_running(webserver):
    schedules = {s["name"]: s for repo in webserver["repositoriesOrError"]["nodes"]
                 for s in repo["schedules"]}
    nightly = schedules["nightly_at_2am_shanghai"]
    assert nightly["cronSchedule"] == "0 2 * * *"
    assert nightly["executionTimezone"] == "Asia/Shanghai"
    assert nightly["scheduleState"]["status"] == "RUNNING"


def test_run_history_survives_in_the_data_dirs_dagster_home(webserver):
    runs = webserver["runsOrError"]["results"]
    assert any(r["jobName"] == "nightly" and r["status"] == "SUCCESS" for r in runs), runs


def test_the_runs_materialisations_and_data_versions_are_shown(webserver):
    """What the sample run materialised, with the data versions it recorded, as the UI shows
    it: the built tables and the warehouse carry the fingerprint of the inputs they were built
    from (one version for all), and nothing is stale right after the run."""
    nodes = {"/".join(n["assetKey"]["path"]): n for n in webserver["assetNodes"]}
    (run_id,) = [r["runId"] for r in webserver["runsOrError"]["results"]
                 if r["jobName"] == "nightly"]
    fingerprint = nodes["warehouse"]["dataVersion"]
    assert fingerprint and len(fingerprint) == 16, fingerprint
    for key in ("fact_applications", "reports", "agencies", "runs"):
        assert nodes[key]["dataVersion"] == fingerprint, key
    for key, node in nodes.items():
        if key == "published_warehouse" or node["isPartitioned"]:
            continue  # observed, not materialised; partitioned: by county
        assert node["assetMaterializations"] == [{"runId": run_id}], key
        assert node["staleStatus"] == "FRESH", (key, node["staleStatus"])

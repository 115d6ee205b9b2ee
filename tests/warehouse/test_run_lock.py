"""The run lock is a resource every asset holds: a materialisation launched from the UI (the
real webserver, through its GraphQL API) while `gongkai run` holds the data dir is refused at
once with a clear message, and the running `gongkai run` is not disturbed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import time
import urllib.request

import pytest

from tests.conftest import REPO, clean_env, running_webserver
from tests.warehouse.test_dagster_webserver import _graphql

# `gongkai run` that stops in its crawl (holding the lock) until told to go on.
PAUSED_RUN = textwrap.dedent("""
    import os, sys, time
    import pipelines.stages.steps as steps
    ready, go = sys.argv[1], sys.argv[2]
    original = steps.crawl_source
    def paused(*args, **kwargs):
        open(ready, "w").close()
        while not os.path.exists(go):
            time.sleep(0.1)
        return original(*args, **kwargs)
    steps.crawl_source = paused
    from pipelines.cli import main
    sys.exit(main(sys.argv[3:]))
""")

LAUNCH = """
mutation($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on InvalidSubsetError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
"""
LOGS = """
query($runId: ID!) {
  runOrError(runId: $runId) { ... on Run { status } }
  logsForRun(runId: $runId) {
    ... on EventConnection { events { __typename
      ... on MessageEvent { message }
      ... on ExecutionStepFailureEvent { error { message } }
      ... on RunFailureEvent { error { message errorChain { error { message } } } }
      ... on EngineEvent { error { message } } } }
  }
}
"""


def _post(base: str, query: str, variables: dict) -> dict:
    req = urllib.request.Request(base + "graphql",
                                 data=json.dumps({"query": query, "variables": variables}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        body = json.loads(resp.read())
    assert "errors" not in body, body["errors"]
    return body["data"]


@pytest.fixture()
def locked_data_dir(sample_warehouse, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(sample_warehouse["data_dir"], data, symlinks=True,
                    ignore=shutil.ignore_patterns("dagster", ".gongkai.lock"))
    ready, go = tmp_path / "ready", tmp_path / "go"
    run = subprocess.Popen([sys.executable, "-c", PAUSED_RUN, str(ready), str(go),
                            "run", "--data-dir", str(data)], env=clean_env(), cwd=REPO,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 180
        while not ready.exists():
            assert run.poll() is None, run.stderr.read()[-3000:]
            assert time.time() < deadline, "gongkai run did not reach its crawl"
            time.sleep(0.2)
        yield data, run, go
    finally:
        go.touch()
        if run.poll() is None:
            run.kill()
        run.communicate()


def test_a_ui_materialisation_is_refused_while_gongkai_run_holds_the_lock(locked_data_dir,
                                                                          tmp_path):
    data, run, go = locked_data_dir
    home = tmp_path / "ui_home"
    home.mkdir()
    # Launch at once, without the daemon's queue (the webserver alone launches the run).
    (home / "dagster.yaml").write_text(
        "run_coordinator:\n  module: dagster._core.run_coordinator\n"
        "  class: DefaultRunCoordinator\n")
    with running_webserver(home, data) as base:
        repo = _graphql(base, "{ repositoriesOrError { ... on RepositoryConnection { nodes { "
                              "name location { name } } } } }")["repositoriesOrError"]["nodes"][0]
        # What a user does in the UI: select an asset, "Materialize".
        launched = _post(base, LAUNCH, {"params": {
            "selector": {"repositoryLocationName": repo["location"]["name"],
                         "repositoryName": repo["name"], "jobName": "__ASSET_JOB",
                         "assetSelection": [{"path": ["county_reports"]}]},
            "mode": "default", "runConfigData": {}}})["launchRun"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        run_id = launched["run"]["runId"]
        deadline = time.time() + 180
        while True:
            got = _post(base, LOGS, {"runId": run_id})
            status = got["runOrError"]["status"]
            if status in ("FAILURE", "SUCCESS", "CANCELED"):
                break
            assert time.time() < deadline, f"the UI's run is still {status}"
            time.sleep(1)
        text = json.dumps(got["logsForRun"], ensure_ascii=False)
        assert status == "FAILURE", text[-2000:]
        assert f"another run is using {data}" in text, text[-3000:]
        assert run.poll() is None  # the run holding the lock goes on

"""The deployment examples under deploy/: as far as they can be checked without a cluster.

What runs here: the Kubernetes manifests and Helm values parse and say what the README says
(workers one thread each, the scheduler service on 8786, the K8sRunLauncher, runs pointed at
the dask scheduler and the lake); the Slurm helper generates a job script (dask-jobqueue) that
starts one-thread workers with the lake's settings. What does not: applying them to a
Kubernetes cluster or submitting to Slurm (neither is available here)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_dask_kubernetes_cluster_and_dagster_run_launcher():
    cluster, autoscaler = yaml.safe_load_all((DEPLOY / "kubernetes" / "dask-cluster.yaml").read_text())
    assert cluster["kind"] == "DaskCluster" and autoscaler["kind"] == "DaskAutoscaler"
    worker = cluster["spec"]["worker"]["spec"]["containers"][0]
    assert worker["args"][:2] == ["dask", "worker"] and worker["args"][worker["args"].index("--nthreads") + 1] == "1"
    ports = {p["port"] for p in cluster["spec"]["scheduler"]["service"]["ports"]}
    assert 8786 in ports
    values = yaml.safe_load((DEPLOY / "kubernetes" / "dagster-values.yaml").read_text())
    assert values["runLauncher"]["type"] == "K8sRunLauncher"
    assert values["dagster-user-deployments"]["deployments"][0]["dagsterApiGrpcArgs"] == [
        "-m", "pipelines.orchestration.definitions"]
    settings = yaml.safe_load((DEPLOY / "kubernetes" / "settings.yaml").read_text())["data"]
    assert settings["GONGKAI_DASK_SCHEDULER"] == "tcp://gongkai-scheduler.gongkai.svc.cluster.local:8786"
    assert settings["GONGKAI_LAKE"].startswith("s3://")


def test_slurm_job_script():
    pytest.importorskip("dask_jobqueue")
    env = os.environ | {"AWS_ENDPOINT_URL": "http://minio.internal:9000"}
    proc = subprocess.run([sys.executable, str(DEPLOY / "slurm" / "workers.py"), "--jobs", "2",
                           "--processes", "4", "--partition", "cpu", "--print-job-script"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    script = proc.stdout
    assert "#SBATCH -p cpu" in script and "#SBATCH -n 1" in script
    assert "--nthreads 1" in script and "--nworkers 4" in script
    assert "export AWS_ENDPOINT_URL='http://minio.internal:9000'" in script
    assert "DASK_LOGGING__PIPELINES=info" in script

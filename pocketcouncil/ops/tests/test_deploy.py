"""The deployment folder, as far as this machine can check it without a container engine.

* The Kubernetes manifests validate against Kubernetes' own schemas (kubernetes-validate,
  strict: an unknown or misspelt field fails).
* The compose file names every role and the services they need, with health checks.
* The image's build step (collectstatic in production settings, with only the Dockerfile's own
  environment and a build-only secret) runs, and the entrypoint's ``migrate`` role migrates a
  new database in production settings.

The image itself has not been built here (no Docker engine on the development machine):
docs/operating.md says so.
"""

import copy
import os
import re
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from kubernetes_validate.utils import ValidationError

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
KUBERNETES_VERSION = "1.31"


def manifests() -> list[dict]:
    found = []
    for path in sorted((DEPLOY / "kubernetes").glob("*.yaml")):
        found += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return found


def test_the_kubernetes_manifests_are_valid():
    kinds = set()
    for doc in manifests():
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        kinds.add((doc["kind"], doc["metadata"]["name"]))
    assert {
        ("Deployment", "pocketcouncil-web"),
        ("Deployment", "pocketcouncil-worker"),
        ("Deployment", "pocketcouncil-scheduler"),
        ("Job", "pocketcouncil-migrate"),
        ("Service", "pocketcouncil-web"),
    } <= kinds


def test_the_validation_would_catch_a_mistake():
    web = next(d for d in manifests() if d["metadata"]["name"] == "pocketcouncil-web")
    broken = copy.deepcopy(web)
    broken["spec"]["template"]["spec"]["containers"][0]["readinessprobe"] = {}  # misspelt
    with pytest.raises(ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_the_deployments_run_as_non_root_with_probes():
    for doc in manifests():
        if doc["kind"] != "Deployment":
            continue
        pod = doc["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, doc["metadata"]["name"]
        if doc["metadata"]["name"] == "pocketcouncil-web":
            container = pod["containers"][0]
            assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
            assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"


def test_the_compose_file_has_every_role_and_what_they_need():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    for role in ("migrate", "web", "worker", "scheduler"):
        assert services[role]["command"] == [role]
        assert services[role]["build"]["dockerfile"] == "deploy/Dockerfile"
    for backing in ("postgres", "redis", "minio"):
        assert services[backing]["healthcheck"]["test"]
    assert services["web"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert (DEPLOY / ".env.example").exists()


def dockerfile_env() -> dict:
    """The runtime image's ENV lines (the last stage)."""
    text = (DEPLOY / "Dockerfile").read_text()
    last_stage = text.rsplit("\nFROM ", 1)[1]
    env = {}
    for block in re.findall(r"^ENV (.+?)(?<!\\)$", last_stage, flags=re.M | re.S):
        for name, value in re.findall(r"(\w+)=(\S+)", block.replace("\\\n", " ")):
            env[name] = value
    return env


def test_the_dockerfile_runs_as_a_user_with_a_health_check():
    text = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^USER 10001:10001$", text, re.M)
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert dockerfile_env()["POCKETCOUNCIL_ENV"] == "production"


def _image_like_env(tmp_path: Path, **extra: str) -> dict:
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}/usr/bin:/bin",
        "HOME": str(tmp_path),
        **dockerfile_env(),
        "POCKETCOUNCIL_VAR_DIR": str(tmp_path / "var"),
        "STATIC_ROOT": str(tmp_path / "static"),
        **extra,
    }
    return env


def test_the_image_build_step_collects_static_files_in_production_settings(tmp_path):
    done = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=_image_like_env(
            tmp_path,
            SECRET_KEY="build-only-build-only-build-only-build-only-build-only",
            ALLOWED_HOSTS="build",
        ),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()  # hashed names, for caching


def test_the_migrate_role_migrates_a_new_database(tmp_path):
    done = subprocess.run(  # noqa: S603 - our own entrypoint, fixed arguments
        [str(DEPLOY / "entrypoint.sh"), "migrate"],
        cwd=ROOT,
        env=_image_like_env(
            tmp_path,
            SECRET_KEY="a-test-only-secret-a-test-only-secret-a-test-only-secret",
            ALLOWED_HOSTS="pocketcouncil.example",
            DATABASE_URL=f"sqlite:///{tmp_path}/new.sqlite3",
        ),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Applying cases.0001" in done.stdout

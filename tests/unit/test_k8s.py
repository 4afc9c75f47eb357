"""The Kubernetes manifests (deploy/k8s): valid against the API's schemas (offline, strict) and
the same shape as the local cluster."""

import copy
import re
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from tests.conftest import ROOT

K8S = ROOT / "deploy" / "k8s"
KUBERNETES_VERSION = "1.28.0"  # the newest schemas kubernetes-validate 1.28 ships


def manifests() -> list[tuple[str, dict[str, Any]]]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    found = []
    for name in kustomization["resources"]:
        for doc in yaml.safe_load_all((K8S / name).read_text()):
            if doc:
                found.append((name, doc))
    return found


def by_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for _, d in manifests() if d["kind"] == kind}


def validate(doc: dict[str, Any]) -> None:
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_kustomization_lists_every_manifest():
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    assert listed == {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}


@pytest.mark.parametrize(
    "doc", [d for _, d in manifests()], ids=[f"{n}:{d['kind']}" for n, d in manifests()]
)
def test_manifest_is_valid(doc):
    validate(doc)


@pytest.mark.parametrize(
    "break_it",
    [
        lambda d: d["spec"].__setitem__("replicas", "two"),
        lambda d: d["spec"]["template"]["spec"]["containers"][0].__setitem__("imagePullPolcy", "x"),
        lambda d: d["spec"].pop("selector"),
    ],
    ids=["wrong type", "misspelt field", "missing field"],
)
def test_a_broken_manifest_fails_the_check(break_it):
    broken = copy.deepcopy(by_kind("Deployment")["headache-rasa"])
    break_it(broken)
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(broken)


def container(deployment: dict[str, Any]) -> dict[str, Any]:
    return deployment["spec"]["template"]["spec"]["containers"][0]


def test_two_rasa_replicas_and_two_action_servers_with_probes():
    deployments = by_kind("Deployment")
    assert deployments["headache-rasa"]["spec"]["replicas"] == 2
    assert deployments["headache-actions"]["spec"]["replicas"] == 2
    for name in ("headache-rasa", "headache-actions", "headache-web"):
        assert {"readinessProbe", "livenessProbe"} <= set(container(deployments[name])), name


def test_secrets_are_referenced_by_name_only():
    assert not by_kind("Secret")
    for _, doc in manifests():
        text = yaml.safe_dump(doc)
        assert "postgresql://" not in text and "redis://" not in text
        assert not re.search(r"(?i)(password|token|secret)(?!name)\w*: *(?!\$\{)[^\s{]", text), text
    rasa = container(by_kind("Deployment")["headache-rasa"])
    assert {"secretRef": {"name": "headache-secrets"}} in rasa["envFrom"]


def test_rasa_takes_its_insights_key_from_the_secret():
    """One key for every replica, required: a missing one stops the pod, not the insights."""
    rasa = by_kind("Deployment")["headache-rasa"]["spec"]["template"]["spec"]["containers"][0]
    key = next(e for e in rasa["env"] if e["name"] == "INSIGHTS_KEY")
    assert key["valueFrom"]["secretKeyRef"] == {"name": "headache-secrets", "key": "INSIGHTS_KEY"}
    assert not key["valueFrom"]["secretKeyRef"].get("optional")


def test_endpoints_config_map_is_the_cluster_endpoints_file():
    endpoints = by_kind("ConfigMap")["headache-endpoints"]["data"]["endpoints.yml"]
    assert endpoints == (ROOT / "deploy" / "cluster" / "endpoints.yml").read_text()


def test_socketio_is_sticky_by_cookie_and_rest_is_not():
    ingresses = by_kind("Ingress")
    sticky = ingresses["headache-socketio"]
    assert sticky["metadata"]["annotations"]["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    paths = [p["path"] for r in sticky["spec"]["rules"] for p in r["http"]["paths"]]
    assert paths == ["/socket.io/"]
    rest = ingresses["headache-web"]["metadata"]["annotations"]
    assert "nginx.ingress.kubernetes.io/affinity" not in rest
    assert "non_idempotent" not in rest["nginx.ingress.kubernetes.io/proxy-next-upstream"]


def test_retention_cron_job_runs_the_retention_module():
    job = by_kind("CronJob")["headache-retention"]
    spec = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert spec["command"] == ["python", "-m", "stores.retention"]


def test_every_image_is_the_one_the_dockerfile_builds():
    images = {
        c["image"]
        for _, d in manifests()
        if d["kind"] in ("Deployment", "CronJob")
        for c in yaml.safe_load(yaml.safe_dump(d)).get("spec", {}).get("template", {}).get(
            "spec", {}).get("containers", []) + d.get("spec", {}).get("jobTemplate", {}).get(
            "spec", {}).get("template", {}).get("spec", {}).get("containers", [])
    }  # fmt: skip
    assert images == {"headache-assistant"}
    assert (K8S / "Dockerfile").exists()


def test_nginx_template_never_resends_a_post(tmp_path: Path):
    template = (ROOT / "deploy" / "cluster" / "nginx.conf.template").read_text()
    assert "proxy_next_upstream error timeout;" in template
    assert "non_idempotent" not in template.replace('no "non_idempotent"', "")
    assert "ip_hash;" in template and "location /socket.io/" in template

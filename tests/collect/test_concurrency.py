"""Per-resource concurrency in a whole scan: the snapshot is the same with 1 and 16 calls
in flight; a role without tag:GetResources still gets a complete scan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from regionready.cli import main
from regionready.collect import sessions
from regionready.demo.seed import DemoPlan

from .test_driver import report, scan_args


def snapshot(out: Path) -> dict[str, Any]:
    """Every region document, without the collection time."""
    docs = {}
    for path in sorted((out / "snapshot").rglob("*.json")):
        if path.name == "manifest.json":
            continue
        doc = json.loads(path.read_text())
        doc.pop("collected_at", None)
        # moto answers GetTrailStatus's Latest*Time with the time of the call
        for trail in doc["services"].get("cloudtrail", {}).get("resources", {}).get("trail", []):
            status = trail.get("Status") or {}
            for key in [k for k in status if k.startswith("Latest") and k.endswith("Time")]:
                status.pop(key)
        docs[str(path.relative_to(out))] = doc
    return docs


def api_calls(out: Path) -> dict[str, int]:
    manifest = json.loads((out / "snapshot" / "manifest.json").read_text())
    return dict(manifest["api_calls"])


def scan(out: Path) -> int:
    """Exit code of a scan; what made it incomplete is in the assertion message."""
    code = main(scan_args(out))
    if code == 3:
        broken = [
            (r["rule_id"], r["region"], r["resource_id"], r["message"][:200])
            for r in report(out)["results"]
            if r["status"] == "ERROR" or (r["rule_id"] == "GEN-005" and r["status"] == "FAIL")
        ]
        raise AssertionError(f"incomplete scan: {broken}")
    return code


def verdicts(out: Path) -> set[tuple[str, str, str, str]]:
    return {
        (r["rule_id"], r["region"], str(r["resource_id"]), r["status"])
        for r in report(out)["results"]
    }


def test_snapshot_is_identical_with_one_and_sixteen_calls_in_flight(
    seeded: DemoPlan,
    hooked_sessions: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REGIONREADY_CONCURRENCY", "1")
    assert scan(tmp_path / "one") == 1
    monkeypatch.setenv("REGIONREADY_CONCURRENCY", "16")
    assert scan(tmp_path / "sixteen") == 1
    one, sixteen = snapshot(tmp_path / "one"), snapshot(tmp_path / "sixteen")
    assert one and set(sixteen) == set(one)
    for name, doc in one.items():
        for service, data in doc["services"].items():
            assert sixteen[name]["services"][service] == data, (name, service)
    assert sixteen == one
    assert api_calls(tmp_path / "sixteen") == api_calls(tmp_path / "one")
    assert verdicts(tmp_path / "sixteen") == verdicts(tmp_path / "one")


def test_denied_tag_get_resources_gives_the_same_complete_scan(
    seeded: DemoPlan,
    hooked_sessions: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert scan(tmp_path / "granted") == 1
    capsys.readouterr()

    def deny(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "not authorized"}},
            "GetResources",
        )

    hooked_sessions.extra.append(("before-call.resource-groups-tagging-api.GetResources", deny))
    assert scan(tmp_path / "denied") == 1, "complete, so not exit 3 (incomplete)"
    err = capsys.readouterr().err
    assert "tag:GetResources" in err and "note:" in err
    granted, denied = snapshot(tmp_path / "granted"), snapshot(tmp_path / "denied")
    for name, doc in granted.items():
        for service, data in doc["services"].items():
            other = denied[name]["services"][service]
            assert other["errors"] == data["errors"], (name, service)
            assert other["resources"] == data["resources"], (name, service)
    assert verdicts(tmp_path / "denied") == verdicts(tmp_path / "granted")
    calls = api_calls(tmp_path / "denied"), api_calls(tmp_path / "granted")
    assert calls[0]["acm"] > calls[1]["acm"] and calls[0]["kms"] > calls[1]["kms"]


def test_connection_pool_is_at_least_the_concurrency(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGIONREADY_CONCURRENCY", "40")
    assert sessions.concurrency() == 40
    assert sessions.botocore_config().max_pool_connections == 40
    monkeypatch.setenv("REGIONREADY_CONCURRENCY", "4")
    assert sessions.botocore_config().max_pool_connections == 16
    monkeypatch.setenv("REGIONREADY_CONCURRENCY", "zero")
    with pytest.raises(sessions.CollectError, match="REGIONREADY_CONCURRENCY"):
        sessions.concurrency()

"""The IAM permissions a collection needs: the IAM actions and resources the collectors
declare (``PERMISSIONS``, ``PERMISSION_RESOURCES``) plus the driver's own, and the
least-privilege, read-only policy document built from them (``regionready iam-policy``).
"""

from __future__ import annotations

from typing import Any

from regionready import registry

#: The driver's own calls (the collection's first call: the account's identity).
DRIVER_PERMISSIONS = ("sts:GetCallerIdentity",)


def permissions(services: list[str]) -> list[str]:
    """Every IAM action a collection of these services may call."""
    actions = set(DRIVER_PERMISSIONS)
    for name in services:
        actions.update(registry.collector(name).PERMISSIONS)
    return sorted(actions)


def permission_resources(services: list[str]) -> dict[str, tuple[str, ...]]:
    """The resources each action of ``permissions(services)`` is granted on: ``("*",)``
    unless every collector calling it scopes it in ``PERMISSION_RESOURCES`` (action ->
    an ARN pattern, or a tuple of them), then the union of their patterns."""
    scoped: dict[str, set[str]] = {}
    for name in services:
        module = registry.collector(name)
        declared = module.PERMISSION_RESOURCES
        undeclared = set(declared) - set(module.PERMISSIONS)
        if undeclared:
            raise ValueError(f"{name}: PERMISSION_RESOURCES of undeclared {sorted(undeclared)}")
        for action in module.PERMISSIONS:
            value = declared.get(action, "*")
            scoped.setdefault(action, set()).update((value,) if isinstance(value, str) else value)
    for action in DRIVER_PERMISSIONS:
        scoped.setdefault(action, set()).add("*")
    return {
        action: ("*",) if "*" in resources else tuple(sorted(resources))
        for action, resources in sorted(scoped.items())
    }


def iam_policy(services: list[str]) -> dict[str, Any]:
    """The read-only policy: one statement on ``*`` (Sid RegionReadyReadOnly, first), then
    one per set of resources that collectors scope actions to (``PERMISSION_RESOURCES``),
    e.g. ``ssm:GetParametersByPath`` on AWS's public parameters only."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for action, resources in permission_resources(services).items():
        groups.setdefault(resources, []).append(action)
    everywhere = groups.pop(("*",), [])
    statements = [
        {"Sid": "RegionReadyReadOnly", "Effect": "Allow", "Action": everywhere, "Resource": "*"}
    ]
    sids = {"RegionReadyReadOnly"}
    for resources, actions in sorted(groups.items()):
        prefixes = sorted({a.split(":", 1)[0] for a in actions})
        sid = "RegionReadyReadOnly" + "".join(
            "".join(ch for ch in p.title() if ch.isalnum()) for p in prefixes
        )
        base, number = sid, 2
        while sid in sids:
            sid, number = f"{base}{number}", number + 1
        sids.add(sid)
        statements.append(
            {
                "Sid": sid,
                "Effect": "Allow",
                "Action": actions,
                "Resource": resources[0] if len(resources) == 1 else list(resources),
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}

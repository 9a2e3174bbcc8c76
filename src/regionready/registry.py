"""Every collector, reporter and remediation action, found one way: by name in one table.

Like Cloud Custodian's resource map, :data:`PLUGINS` lists each kind of plugin as
``{name: module}``: the name is what a user or a rule gives (``--services``,
``--format``, a rule's ``remediation.action``), the module is the file in the kind's
package (:data:`PACKAGES`: ``regionready.collectors``, ``regionready.reporters``,
``regionready.remediation.actions``) that implements it, and declares the same name
(``SERVICE``, ``FORMAT``, ``ACTION``).
Nothing registers itself at import time, nothing is found by importing every module and
comparing attributes: a name is looked up in the table and only its module is imported,
when it is needed.

A name may also be typed with ``_`` for ``-`` and a trailing ``_`` (the module spelling:
``cognito_idp`` or ``lambda_`` for the ``cognito-idp`` and ``lambda`` collectors).

Each module's contract is a Protocol of :mod:`regionready.plugins`; ``tests/test_plugins.py``
checks every entry against it, and that every module of the three packages is in the
table (or is one of the :data:`HELPERS`). Adding a plugin: write the module, add one line
here.
"""

from __future__ import annotations

import importlib
import re
from types import ModuleType
from typing import TYPE_CHECKING, cast

from regionready.errors import RegionReadyError

if TYPE_CHECKING:
    from regionready.plugins import Action, Reporter

#: ``--services`` name (the collector's SERVICE, the snapshot's service key) -> module.
COLLECTORS: dict[str, str] = {
    "accessanalyzer": "accessanalyzer",
    "account": "account",
    "acm": "acm",
    "apigateway": "apigateway",
    "backup": "backup",
    "cloudfront": "cloudfront",
    "cloudtrail": "cloudtrail",
    "cognito-identity": "cognito_identity",
    "cognito-idp": "cognito_idp",
    "dlm": "dlm",
    "dynamodb": "dynamodb",
    "ec2": "ec2",
    "ecr": "ecr",
    "efs": "efs",
    "elbv2": "elbv2",
    "events": "events",
    "guardduty": "guardduty",
    "iac": "iac",
    "iam": "iam",
    "kms": "kms",
    "lambda": "lambda_",  # a Python keyword: the module gets a trailing _
    "local": "local",
    "logs": "logs",
    "organizations": "organizations",
    "rds": "rds",
    "route53": "route53",
    "s3": "s3",
    "secretsmanager": "secretsmanager",
    "servicequotas": "servicequotas",
    "sns": "sns",
    "sqs": "sqs",
    "ssm": "ssm",
    "sso": "sso",
    "wafv2": "wafv2",
}

#: ``--format`` name (the reporter's FORMAT) -> module.
REPORTERS: dict[str, str] = {
    "asff": "asff",
    "html": "html",
    "json": "jsonreport",  # not "json": it would shadow the standard library's module
    "junit": "junit",
    "markdown": "markdown",
    "ocsf": "ocsf",
    "sarif": "sarif",
}

#: A rule's ``remediation.action`` (the action's ACTION) -> module.
ACTIONS: dict[str, str] = {
    "add-region": "add_region",
    "clone-web-acl": "clone_web_acl",
    "create-analyzer": "create_analyzer",
    "create-archive-rule": "create_archive_rule",
    "create-detector": "create_detector",
    "create-filter": "create_filter",
    "create-key": "create_key",
    "create-trail": "create_trail",
    "enable-key-rotation": "enable_key_rotation",
    "reimport": "reimport",
    "replicate-key": "replicate_key",
    "replicate-secret": "replicate_secret",
    "request-certificate": "request_certificate",
    "set-sts-regional": "set_sts_regional",
    "sync-key-policy": "sync_key_policy",
    "update-detector-features": "update_detector_features",
}

#: kind (the package under ``regionready``) -> its table.
PLUGINS: dict[str, dict[str, str]] = {
    "collectors": COLLECTORS,
    "reporters": REPORTERS,
    "actions": ACTIONS,
}

#: kind -> the package its modules are in.
PACKAGES: dict[str, str] = {
    "collectors": "regionready.collectors",
    "reporters": "regionready.reporters",
    "actions": "regionready.remediation.actions",
}

#: Modules of those packages that are shared code, not plugins.
HELPERS: dict[str, frozenset[str]] = {
    "collectors": frozenset(),
    "reporters": frozenset({"sarif_limits"}),
    "actions": frozenset({"common", "errors"}),
}

#: What an unknown name is called in the error message.
_WHAT = {"collectors": "collector", "reporters": "format", "actions": "remediation action"}
_NAME_RE = re.compile(r"^[a-z][a-z0-9_-]*$")


class UnknownPlugin(RegionReadyError):
    pass


def _table(kind: str) -> dict[str, str]:
    try:
        return PLUGINS[kind]
    except KeyError:
        raise ValueError(f"no plugin kind {kind!r} (kinds: {', '.join(PLUGINS)})") from None


def plugin_name(kind: str, typed: str) -> str:
    """The table's name for what a user typed: ``typed`` itself, or its module spelling
    (``_`` read as ``-``, a trailing ``_`` dropped); :class:`UnknownPlugin` for none."""
    table = _table(kind)
    name = typed.replace("_", "-")
    if name.endswith("-"):
        name = name[:-1]
    if not _NAME_RE.match(typed) or name not in table:
        known = ", ".join(sorted(table, key=table.__getitem__))  # in module order
        raise UnknownPlugin(f"unknown {_WHAT[kind]} '{typed}' (known: {known})")
    return name


def load(kind: str, typed: str) -> ModuleType:
    """The module implementing ``typed`` (see :func:`plugin_name`)."""
    module = _table(kind)[plugin_name(kind, typed)]
    return importlib.import_module(f"{PACKAGES[kind]}.{module}")


def names(kind: str) -> list[str]:
    """The module names of ``kind``'s plugins, sorted (collectors are collected, and
    listed, in this order)."""
    return sorted(_table(kind).values())


# -- collectors ------------------------------------------------------------------------


def service_name(module_name: str) -> str:
    """What a user types for a collector (``--services``), from its module name:
    ``lambda_`` -> ``lambda``, ``cognito_idp`` -> ``cognito-idp``."""
    return plugin_name("collectors", module_name)


def service_names() -> list[str]:
    """Every collector as the user types it, in :func:`names` order."""
    return [service_name(name) for name in names("collectors")]


def collector(name: str) -> ModuleType:
    """A collector by the service name a user types (``cognito-idp``, ``lambda``) or by
    its module name (``cognito_idp``, ``lambda_``); its contract is
    :class:`regionready.plugins.Collector`."""
    return load("collectors", name)


def collector_names(typed: list[str]) -> list[str]:
    """The module names of the collectors ``typed`` names (either spelling), each once,
    in the order given; :class:`UnknownPlugin` for a name that is none."""
    found = [COLLECTORS[plugin_name("collectors", name)] for name in typed]
    return list(dict.fromkeys(found))


def collectors_by_service() -> dict[str, ModuleType]:
    """SERVICE -> collector module, for every collector shipped."""
    return {service_name(module): collector(module) for module in names("collectors")}


# -- reporters -------------------------------------------------------------------------


def reporter(name: str) -> Reporter:
    """A reporter by its ``--format`` name (its FORMAT: json, sarif, ...)."""
    return cast("Reporter", load("reporters", name))


def formats() -> list[str]:
    """Every ``--format`` name, sorted."""
    return sorted(REPORTERS)


def missing_dependency(name: str) -> str | None:
    """Why format ``name`` cannot be written here (its optional library is not
    installed: the reporter's ``missing_dependency()``), or None."""
    check = getattr(reporter(name), "missing_dependency", None)
    problem = check() if callable(check) else None
    return str(problem) if problem else None


# -- remediation actions ---------------------------------------------------------------


def action(name: str) -> Action:
    """An action by the name a rule's ``remediation.action`` gives (``create-key``)."""
    return cast("Action", load("actions", name))


def action_names() -> list[str]:
    """Every action's name, sorted."""
    return sorted(ACTIONS)

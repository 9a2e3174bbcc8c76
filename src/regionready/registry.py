"""Find collectors and reporters by name, like Cloud Custodian's resource map.

The core never imports a concrete collector or reporter statically and nothing
registers itself at import time: a name is resolved with importlib when it is needed.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from types import ModuleType

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class UnknownPlugin(Exception):
    pass


def _package(kind: str) -> ModuleType:
    return importlib.import_module(f"regionready.{kind}")


def names(kind: str) -> list[str]:
    """Module names in ``regionready.collectors`` or ``regionready.reporters``."""
    package = _package(kind)
    return sorted(
        info.name
        for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_")
    )


def service_name(module_name: str) -> str:
    """What a user types for a collector (``--services``): its module name with ``-`` for
    ``_`` and no trailing ``_``, which is its ``SERVICE``: ``lambda_`` -> ``lambda``,
    ``cognito_idp`` -> ``cognito-idp``."""
    return module_name.rstrip("_").replace("_", "-")


def service_names() -> list[str]:
    """Every collector as the user types it (see :func:`service_name`)."""
    return [service_name(name) for name in names("collectors")]


def _load(kind: str, name: str) -> ModuleType:
    module_name = name.replace("-", "_")
    available = names(kind)
    if module_name not in available and f"{module_name}_" in available:
        module_name += "_"  # a Python keyword as a service name: lambda -> lambda_
    if not _NAME_RE.match(module_name) or module_name not in available:
        known = ", ".join(service_names() if kind == "collectors" else available)
        singular = kind.rstrip("s")
        raise UnknownPlugin(f"unknown {singular} '{name}' (known: {known})")
    return importlib.import_module(f"regionready.{kind}.{module_name}")


def collector(name: str) -> ModuleType:
    """A collector by the service name a user types (``cognito-idp``, ``lambda``) or by
    its module name (``cognito_idp``, ``lambda_``)."""
    return _load("collectors", name)


def collector_names(typed: list[str]) -> list[str]:
    """The module names of the collectors ``typed`` names (either spelling), each once,
    in the order given; :class:`UnknownPlugin` for a name that is none."""
    found = [collector(name).__name__.rsplit(".", 1)[1] for name in typed]
    return list(dict.fromkeys(found))


def reporter(name: str) -> ModuleType:
    """Reporters are found by their FORMAT (json, sarif, ...), not only module name."""
    for module_name in names("reporters"):
        module = importlib.import_module(f"regionready.reporters.{module_name}")
        if getattr(module, "FORMAT", module_name) == name:
            return module
    known = ", ".join(formats())
    raise UnknownPlugin(f"unknown format '{name}' (known: {known})")


def formats() -> list[str]:
    found = []
    for module_name in names("reporters"):
        module = importlib.import_module(f"regionready.reporters.{module_name}")
        found.append(str(getattr(module, "FORMAT", module_name)))
    return sorted(found)


def collectors_by_service() -> dict[str, ModuleType]:
    """SERVICE -> collector module, for every collector shipped."""
    return {collector(name).SERVICE: collector(name) for name in names("collectors")}

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


def _load(kind: str, name: str) -> ModuleType:
    module_name = name.replace("-", "_")
    available = names(kind)
    if module_name not in available and f"{module_name}_" in available:
        module_name += "_"  # a Python keyword as a service name: lambda -> lambda_
    if not _NAME_RE.match(module_name) or module_name not in available:
        known = ", ".join(names(kind))
        singular = kind.rstrip("s")
        raise UnknownPlugin(f"unknown {singular} '{name}' (known: {known})")
    return importlib.import_module(f"regionready.{kind}.{module_name}")


def collector(name: str) -> ModuleType:
    return _load("collectors", name)


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

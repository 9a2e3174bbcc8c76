"""The contracts of regionready's plugins: collectors, reporters and remediation actions.

A plugin is a module (never a class to instantiate) listed in
:data:`regionready.registry.PLUGINS` under its name; each kind's contract is a
:class:`typing.Protocol` below, which the module satisfies structurally: the attributes
with values of the declared types, the functions with the declared parameters (names,
kinds, defaults, annotations) and return type. ``tests/test_plugins.py`` checks every
shipped plugin with :func:`problems`, so a plugin that breaks its contract fails that
test; :func:`problems` is also what to run on a new one.

==============  ==================================================  ====================
kind            module                                              declares its name
==============  ==================================================  ====================
``collectors``  ``collectors/<module>.py``                          ``SERVICE``
``reporters``   ``reporters/<module>.py``                           ``FORMAT``
``actions``     ``src/regionready/remediation/actions/<m>.py``      ``ACTION``
==============  ==================================================  ====================

(``SERVICE`` is what ``--services`` takes, ``FORMAT`` what ``--format`` takes, ``ACTION``
what a rule's ``remediation.action`` names.)
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Mapping
from types import ModuleType, UnionType
from typing import IO, TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from regionready.collect.clients import Clients
    from regionready.model import Report, Result, Severity
    from regionready.remediation import Change, PlanContext, TargetClients


class Collector(Protocol):
    """``collectors/<module>.py``: reads one AWS service (or this machine) into items.

    ``collect`` is pure: it reads through ``clients.call`` / ``clients.paginate`` only
    (read-only calls, each saying which resource types it ``feeds``) and returns items
    keyed by resource type, AWS field names as the API returns them. The driver converts
    datetimes, sorts items by their id field and writes the snapshot.
    """

    #: The snapshot's service key and the ``--services`` name, e.g. ``"acm"``.
    SERVICE: str
    #: True: collected once per account (IAM, Route 53, CloudFront), not per Region.
    GLOBAL: bool
    #: True: reads this machine or repository (no AWS call), collected once per run.
    LOCAL: bool
    #: resource type -> the field that identifies an item of it.
    RESOURCE_TYPES: dict[str, str]
    #: Every IAM action ``collect`` may call (all read-only); ``regionready iam-policy``.
    PERMISSIONS: tuple[str, ...]
    #: Actions of PERMISSIONS the policy grants on these resources only (an ARN pattern,
    #: or a tuple of them) instead of ``*``; ``{}`` for none.
    PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]]

    def collect(self, clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]: ...


class Reporter(Protocol):
    """``reporters/<module>.py``: renders a report; never calls AWS or the engine."""

    #: The ``--format`` name, e.g. ``"sarif"``.
    FORMAT: str
    #: The report file's suffix: ``regionready<EXTENSION>``.
    EXTENSION: str

    def render(
        self, report: Report, *, redact: bool = ..., fail_on: Severity | None = ...
    ) -> str: ...


class StreamingReporter(Reporter, Protocol):
    """A reporter that may also write its text in pieces (``runner.write_reports`` then
    streams into the report file instead of holding the whole text): ``write`` writes
    exactly what ``render`` returns. Optional: a reporter with a ``write`` is checked
    against this contract."""

    def write(
        self,
        report: Report,
        handle: IO[str],
        *,
        redact: bool = ...,
        fail_on: Severity | None = ...,
    ) -> None: ...


class Action(Protocol):
    """``src/regionready/remediation/actions/<module>.py``: a remediation, planned from a
    finding and
    applied only in the target Region (the guard of ``regionready.remediation``).

    ``plan`` is pure (the snapshot only, through ``ctx``): the changes that fix the
    finding, or none with the reason appended to ``ctx.notes``; a finding another rule
    blocks says so in ``finding.blocked_by``. ``apply`` is idempotent: it checks the
    target's state first and returns text starting with ``already`` when there is
    nothing to do; it never deletes. Which findings an action fixes is said by the rules
    (``remediation.action``), not by the action.
    """

    #: The name a rule's ``remediation.action`` gives, e.g. ``"create-key"``.
    ACTION: str
    #: Every IAM action ``apply`` may call; ``regionready iam-policy --remediation``.
    PERMISSIONS: tuple[str, ...]

    def plan(self, finding: Result, ctx: PlanContext) -> list[Change]: ...

    def apply(self, change: Change, clients: TargetClients) -> str: ...


#: The contract of each kind of plugin, and the attribute naming the plugin.
CONTRACTS: dict[str, type] = {"collectors": Collector, "reporters": Reporter, "actions": Action}
NAME_ATTRIBUTE: dict[str, str] = {
    "collectors": "SERVICE",
    "reporters": "FORMAT",
    "actions": "ACTION",
}


# -- checking a plugin against its contract ------------------------------------------------


def contract_for(kind: str, plugin: object) -> type:
    """The Protocol ``plugin`` of ``kind`` must satisfy (a reporter with ``write``:
    :class:`StreamingReporter`)."""
    if kind == "reporters" and hasattr(plugin, "write"):
        return StreamingReporter
    return CONTRACTS[kind]


def problems(plugin: object, contract: type) -> list[str]:
    """How ``plugin`` (a module) breaks ``contract`` (a Protocol of this module); empty
    when it conforms: every attribute present with a value of its declared type, every
    function callable as declared (the contract's parameters by name, kind and default,
    any extra one optional) with the same annotations."""
    found: list[str] = []
    names = _namespace()
    for name, hint in typing.get_type_hints(contract, localns=names).items():
        if not hasattr(plugin, name):
            found.append(f"{name}: missing")
        elif not _is_instance(getattr(plugin, name), hint):
            found.append(f"{name}: {getattr(plugin, name)!r} is not {_show(hint)}")
    for name, declared in _methods(contract).items():
        given = getattr(plugin, name, None)
        if given is None:
            found.append(f"{name}(): missing")
        elif not callable(given):
            found.append(f"{name}(): not callable")
        else:
            found.extend(f"{name}(): {p}" for p in _signature_problems(given, declared, names))
    return found


def plugin_problems(kind: str, name: str, module: ModuleType) -> list[str]:
    """:func:`problems` of the module listed as ``name`` in the ``kind`` table, plus
    whether it declares that name."""
    found = problems(module, contract_for(kind, module))
    attribute = NAME_ATTRIBUTE[kind]
    declared = getattr(module, attribute, None)
    if declared != name:
        found.append(f"{attribute}: {declared!r}, but the registry lists it as {name!r}")
    return found


def _namespace() -> dict[str, Any]:
    """The names the contracts' annotations use (imported here, not at module level: the
    registry and remediation import this module)."""
    from regionready.collect.clients import Clients
    from regionready.model import Report, Result, Severity
    from regionready.remediation import Change, PlanContext, TargetClients

    return {
        "Clients": Clients,
        "Report": Report,
        "Result": Result,
        "Severity": Severity,
        "Change": Change,
        "PlanContext": PlanContext,
        "TargetClients": TargetClients,
    }


def _methods(contract: type) -> dict[str, Callable[..., Any]]:
    """The functions a Protocol declares (its own and its protocol bases')."""
    found: dict[str, Callable[..., Any]] = {}
    for base in reversed(contract.__mro__):
        if base is Protocol or base is object or not getattr(base, "_is_protocol", False):
            continue
        for name, value in vars(base).items():
            if not name.startswith("_") and inspect.isfunction(value):
                found[name] = value
    return found


def _signature_problems(
    given: Callable[..., Any], declared: Callable[..., Any], names: dict[str, Any]
) -> list[str]:
    want = list(inspect.signature(declared).parameters.values())[1:]  # without self
    try:
        have = inspect.signature(given).parameters
    except (TypeError, ValueError):
        return ["no signature"]
    found: list[str] = []
    positional = [
        p for p in have.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    for index, param in enumerate(want):
        own = have.get(param.name)
        if own is None:
            found.append(f"no parameter {param.name!r}")
            continue
        if own.kind is not param.kind:
            found.append(f"{param.name!r} is {own.kind.description}, not {param.kind.description}")
        elif param.kind is param.POSITIONAL_OR_KEYWORD and positional.index(own) != index:
            found.append(f"{param.name!r} is not parameter {index + 1}")
        if param.default is not param.empty and own.default is own.empty:
            found.append(f"{param.name!r} has no default")
    wanted = {p.name for p in want}
    for param in have.values():
        extra = param.name not in wanted and param.kind not in (
            param.VAR_POSITIONAL,
            param.VAR_KEYWORD,
        )
        if extra and param.default is param.empty:
            found.append(f"extra parameter {param.name!r} has no default")
    found.extend(_annotation_problems(given, declared, names))
    return found


def _annotation_problems(
    given: Callable[..., Any], declared: Callable[..., Any], names: dict[str, Any]
) -> list[str]:
    want = typing.get_type_hints(declared, localns=names)
    try:
        have = typing.get_type_hints(given)
    except Exception as exc:  # a name only imported under TYPE_CHECKING, a typo
        return [f"annotations cannot be resolved: {exc}"]
    found = []
    for name, hint in want.items():
        if hint is Any:
            continue
        label = "return" if name == "return" else repr(name)
        if name not in have:
            found.append(f"{label} is not annotated (the contract says {_show(hint)})")
        elif have[name] != hint:
            found.append(f"{label} is {_show(have[name])}, not {_show(hint)}")
    return found


def _is_instance(value: Any, hint: Any) -> bool:
    """Whether ``value`` is of the (possibly generic) type ``hint``."""
    if hint is Any:
        return True
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union or origin is UnionType:
        return any(_is_instance(value, arg) for arg in args)
    if origin is None:
        return isinstance(value, hint)
    if not isinstance(value, origin):
        return False
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_is_instance(item, args[0]) for item in value)
        return len(args) == len(value) and all(map(_is_instance, value, args))
    if isinstance(value, Mapping) and len(args) == 2:
        return all(_is_instance(k, args[0]) and _is_instance(v, args[1]) for k, v in value.items())
    if args:
        return all(_is_instance(item, args[0]) for item in value)
    return True


def _show(hint: Any) -> str:
    return hint.__name__ if isinstance(hint, type) and not typing.get_args(hint) else str(hint)

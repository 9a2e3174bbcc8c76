"""Steps of a cutover plan: the open findings of a report, grouped and ordered.

A step clears the findings of one rule for one Region pair: every FAIL result of that
rule and pair (suppressed findings are SUPPRESSED, not FAIL, and stay out of the plan).
Steps are ordered

1. by phase (:data:`PHASES`): the phase of a rule is that of its service
   (``cutover.phases``), except the data rules (:data:`DATA_RULE_IDS`, and any rule
   with ``needs_source`` over a data store, :data:`DATA_STORE_SERVICES`), which are
   "data", and the rules of a catch-all service (:data:`GENERIC_SERVICES`), which take
   the phase of the resource they judge (or :data:`RULE_PHASES`);
2. so that a step comes after every step whose findings block its findings (the
   results' ``blocked_by``). A step that blocks a step of an earlier phase moves up into
   that phase (``phase`` is where the plan lists it, ``rule_phase`` where its rule
   belongs), so the phases stay in order and no step comes before what it waits for. A
   cycle of steps waiting for each other is broken deterministically: the first of the
   cycle (by severity, then rule id) goes first, and the plan lists the break
   (:class:`BrokenCycle`);
3. then by severity (critical first) and rule id (then the Region pair).

The steps that read the source Region (``needs_source_region``, the rule's
``needs_source``: re-encrypting, replicating, cloning) must be done while the source
Region still answers; so must the steps they wait for. The summary names both
(``needs_source_region`` and ``before_source_lost``).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from regionready.cutover.phases import PHASES, phase_of
from regionready.engine.results import blocker
from regionready.engine.rules import Rule
from regionready.inventory import KeyUsage
from regionready.model import Report, Result, RuleInfo, Severity, Status
from regionready.scoring import mask_account_ids

#: Options ``regionready remediate`` needs for an action (its input the snapshot lacks).
ACTION_OPTIONS: dict[str, tuple[str, ...]] = {
    "reimport": ("--pem-dir", "DIR"),
    "create-trail": ("--trail-bucket", "BUCKET"),
}

#: The snapshot argument of a remediate command when the plan does not know the path.
SNAPSHOT_PLACEHOLDER = "SNAPSHOT"

_PHASE_INDEX = {phase: index for index, phase in enumerate(PHASES)}

#: A step before it is numbered: (rule id, source Region, target Region).
StepKey = tuple[str, str, str]


@dataclass(frozen=True)
class Finding:
    """One open finding a step clears (a FAIL result, as the plan shows it)."""

    fingerprint: str
    rule_id: str
    severity: Severity
    account: str
    region: str
    resource_id: str
    resource_name: str | None
    message: str
    #: The result's ``blocked_by``: ``<rule id> <resource>`` of each failure blocking it.
    blocked_by: tuple[str, ...]

    @property
    def name(self) -> str:
        """What a person calls the resource: its name, else its id."""
        return self.resource_name or self.resource_id

    @property
    def label(self) -> str:
        """``<rule id> <name>``: how ``blocked_by`` names this finding."""
        return f"{self.rule_id} {self.name}"


@dataclass(frozen=True)
class Step:
    """Clear the findings of one rule for one Region pair."""

    number: int
    rule_id: str
    title: str
    service: str
    #: The phase the plan lists the step under: ``rule_phase``, or an earlier one when
    #: the step blocks a step of that phase.
    phase: str
    rule_phase: str
    #: The highest severity among the findings.
    severity: Severity
    source_region: str
    target_region: str
    accounts: tuple[str, ...]
    findings: tuple[Finding, ...]
    #: The rule's remediation text: what to do by hand (and what the action does).
    remediation: str
    #: The ``regionready remediate`` action that makes the fix, or None (a manual step).
    action: str | None
    #: ``regionready remediate SNAPSHOT --rule ID ...`` (a dry run; add ``--apply``),
    #: empty without an action.
    command: tuple[str, ...]
    #: The fix reads the source Region (the rule's ``needs_source``).
    needs_source_region: bool
    #: The Regions the step acts in: the target, and the source when it reads it.
    regions: tuple[str, ...]
    #: Steps whose findings block this step's findings (numbers).
    waits_for: tuple[int, ...]
    #: Steps with findings this step's findings block (numbers).
    unblocks: tuple[int, ...]
    #: Fingerprints of the findings of other steps that this step's findings block.
    unblocks_findings: tuple[str, ...]

    @property
    def automatic(self) -> bool:
        return self.action is not None


@dataclass(frozen=True)
class FindingEdge:
    """The finding ``blocker`` (a fingerprint) blocks the finding ``blocked``."""

    blocker: str
    blocked: str


@dataclass(frozen=True)
class BrokenCycle:
    """Steps that waited for each other: ``step`` was put first although it waits for
    ``ignored`` (which come after it)."""

    step: int
    ignored: tuple[int, ...]


@dataclass(frozen=True)
class Summary:
    steps: int
    findings: int
    automatic: int
    manual: int
    #: Steps per phase, every phase in :data:`PHASES` order.
    by_phase: tuple[tuple[str, int], ...]
    #: The steps that read the source Region.
    needs_source_region: tuple[int, ...]
    #: Those and every step they wait for: all must be done before the source is lost.
    before_source_lost: tuple[int, ...]
    #: Suppressed findings (left out of the plan).
    suppressed: int
    #: Checks that could not be evaluated (ERROR): the plan may lack their steps.
    not_evaluated: int


@dataclass(frozen=True)
class Plan:
    source_region: str
    target_region: str
    accounts: tuple[str, ...]
    now: str
    cutover_date: str | None
    steps: tuple[Step, ...]
    edges: tuple[FindingEdge, ...]
    cycles: tuple[BrokenCycle, ...]
    summary: Summary
    #: The re-encryption inventory of the source (regionready.inventory), when the plan
    #: was built from a snapshot: what each customer managed key encrypts.
    inventory: tuple[KeyUsage, ...] = ()
    #: Every Region pair of the report, (source, target) each; the first is
    #: ``source_region`` -> ``target_region``.
    pairs: tuple[tuple[str, str], ...] = ()

    @property
    def title(self) -> str:
        """``source -> target``, or every pair of a scan with several."""
        pairs = self.pairs or ((self.source_region, self.target_region),)
        return ", ".join(f"{source} -> {target}" for source, target in pairs)

    @property
    def sources(self) -> tuple[str, ...]:
        """The source Regions of the plan's pairs."""
        pairs = self.pairs or ((self.source_region, self.target_region),)
        return tuple(dict.fromkeys(source for source, _ in pairs))

    #: Finding fingerprint -> the resources that use its resource (``<type> <id>``, from
    #: regionready.graph), when the plan was built from a snapshot.
    used_by: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def step(self, number: int) -> Step:
        return self.steps[number - 1]

    def phases(self) -> list[tuple[str, list[Step]]]:
        """The phases that have steps, in order, each with its steps."""
        return [
            (phase, [s for s in self.steps if s.phase == phase])
            for phase in PHASES
            if any(s.phase == phase for s in self.steps)
        ]

    def findings(self) -> dict[str, tuple[Step, Finding]]:
        """Every finding of the plan by fingerprint, with its step, in plan order."""
        return {f.fingerprint: (s, f) for s in self.steps for f in s.findings}


# -- building ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Meta:
    """What the plan needs of a rule, from a :class:`Rule` or a report's :class:`RuleInfo`."""

    title: str
    service: str
    phase: str
    remediation: str
    action: str | None
    needs_source: bool


def _meta(rule_id: str, rules: dict[str, Rule], report: Report, service: str) -> _Meta:
    rule = rules.get(rule_id)
    if rule is not None:
        return _Meta(
            rule.title,
            rule.service,
            phase_of(rule),
            rule.remediation_text,
            rule.remediation_action,
            rule.needs_source,
        )
    info = report.rules.get(rule_id)
    if info is not None:
        return _Meta(
            info.title,
            info.service,
            phase_of(info),
            info.remediation_text,
            info.remediation_action,
            False,
        )
    fallback = RuleInfo(rule_id, rule_id, "", service, "", Severity.NOTE, "")
    return _Meta(rule_id, service, phase_of(fallback), "", None, False)


def build_plan(
    report: Report,
    rules: Iterable[Rule],
    *,
    snapshot: str = SNAPSHOT_PLACEHOLDER,
    rules_dirs: Sequence[str] = (),
    redact: bool = False,
) -> Plan:
    """The cutover plan of ``report``'s open findings (see the module docstring).

    ``snapshot`` and ``rules_dirs`` go into each step's ``regionready remediate``
    command; ``redact`` masks account ids (as ``--redact`` does in reports:
    fingerprints are kept)."""
    by_id = {rule.id: rule for rule in rules}
    mask: Callable[[str], str] = mask_account_ids if redact else _same
    open_results = [r for r in report.results if r.status is Status.FAIL]

    groups: dict[StepKey, list[Result]] = {}
    for result in open_results:
        key = (result.rule_id, result.source_region, result.target_region)
        groups.setdefault(key, []).append(result)
    metas = {
        key: _meta(key[0], by_id, report, results[0].service) for key, results in groups.items()
    }
    for results in groups.values():
        results.sort(key=lambda r: (-r.severity.rank, r.account, _name(r), r.fingerprint))
    severity = {
        key: max((r.severity for r in rs), key=lambda s: s.rank) for key, rs in groups.items()
    }

    # Findings edges: each blocked_by entry names the failures of that rule, in the same
    # account, that blocker() calls so (engine.results.mark_blocked).
    named: dict[tuple[str, str], list[Result]] = {}
    for result in open_results:
        named.setdefault((result.account, blocker(result)), []).append(result)
    step_of = {r.fingerprint: (r.rule_id, r.source_region, r.target_region) for r in open_results}
    finding_edges: set[tuple[str, str]] = set()
    for result in open_results:
        for entry in result.blocked_by:
            for cause in named.get((result.account, entry), []):
                if cause.fingerprint != result.fingerprint:
                    finding_edges.add((cause.fingerprint, result.fingerprint))
    succ: dict[StepKey, set[StepKey]] = {key: set() for key in groups}
    pred: dict[StepKey, set[StepKey]] = {key: set() for key in groups}
    for cause_print, blocked_print in finding_edges:
        a, b = step_of[cause_print], step_of[blocked_print]
        if a != b:
            succ[a].add(b)
            pred[b].add(a)

    phase = _listed_phases({key: m.phase for key, m in metas.items()}, pred)
    order, broken = _order(groups, phase, severity, succ, pred)
    number = {key: index + 1 for index, key in enumerate(order)}

    findings_of: dict[StepKey, tuple[Finding, ...]] = {
        key: tuple(_finding(r, mask) for r in groups[key]) for key in groups
    }
    position = {
        f.fingerprint: (number[key], i) for key in order for i, f in enumerate(findings_of[key])
    }
    edges = sorted(finding_edges, key=lambda e: (position[e[0]], position[e[1]]))
    unblocked: dict[StepKey, list[str]] = {key: [] for key in order}
    for cause_print, blocked_print in edges:
        if step_of[cause_print] != step_of[blocked_print]:
            unblocked[step_of[cause_print]].append(blocked_print)
    steps = []
    for key in order:
        meta = metas[key]
        rule_id, source, target = key
        command: tuple[str, ...] = ()
        if meta.action is not None:
            command = (
                "regionready",
                "remediate",
                mask(snapshot),
                "--rule",
                rule_id,
                *(part for directory in rules_dirs for part in ("--rules", mask(directory))),
                *ACTION_OPTIONS.get(meta.action, ()),
            )
        steps.append(
            Step(
                number=number[key],
                rule_id=rule_id,
                title=meta.title,
                service=meta.service,
                phase=phase[key],
                rule_phase=meta.phase,
                severity=severity[key],
                source_region=source,
                target_region=target,
                accounts=tuple(dict.fromkeys(mask(r.account) for r in groups[key])),
                findings=findings_of[key],
                remediation=meta.remediation,
                action=meta.action,
                command=command,
                needs_source_region=meta.needs_source,
                regions=(target, source) if meta.needs_source else (target,),
                waits_for=tuple(sorted(number[p] for p in pred[key])),
                unblocks=tuple(sorted(number[s] for s in succ[key])),
                unblocks_findings=tuple(dict.fromkeys(unblocked[key])),
            )
        )
    cycles = tuple(
        BrokenCycle(number[key], tuple(sorted(number[p] for p in ignored)))
        for key, ignored in sorted(broken.items(), key=lambda item: number[item[0]])
    )
    source_steps = {key for key in order if metas[key].needs_source}
    before_lost = _ancestors(source_steps, pred)
    summary = Summary(
        steps=len(steps),
        findings=len(open_results),
        automatic=sum(1 for s in steps if s.automatic),
        manual=sum(1 for s in steps if not s.automatic),
        by_phase=tuple((p, sum(1 for s in steps if s.phase == p)) for p in PHASES),
        needs_source_region=tuple(sorted(number[k] for k in source_steps)),
        before_source_lost=tuple(sorted(number[k] for k in before_lost)),
        suppressed=sum(1 for r in report.results if r.status is Status.SUPPRESSED),
        not_evaluated=sum(1 for r in report.results if r.status is Status.ERROR),
    )
    return Plan(
        source_region=report.scan.source_region,
        target_region=report.scan.target_region,
        accounts=tuple(mask(a) for a in report.scan.accounts),
        now=report.scan.now,
        cutover_date=report.scan.cutover_date,
        steps=tuple(steps),
        edges=tuple(FindingEdge(a, b) for a, b in edges),
        cycles=cycles,
        summary=summary,
        pairs=tuple((p["source"], p["target"]) for p in report.scan.pairs),
    )


def _same(text: str) -> str:
    return text


def _name(result: Result) -> str:
    return result.resource_name or result.resource_id


def _finding(result: Result, mask: Callable[[str], str]) -> Finding:
    return Finding(
        fingerprint=result.fingerprint,
        rule_id=result.rule_id,
        severity=result.severity,
        account=mask(result.account),
        region=result.region,
        resource_id=mask(result.resource_id),
        resource_name=None if result.resource_name is None else mask(result.resource_name),
        message=mask(result.message),
        blocked_by=tuple(mask(entry) for entry in result.blocked_by),
    )


def _listed_phases(
    own: dict[StepKey, str], pred: dict[StepKey, set[StepKey]]
) -> dict[StepKey, str]:
    """The phase each step is listed under: the earliest of its own and those of the
    steps it blocks, directly or not (a blocker moves up to what it blocks)."""
    listed: dict[StepKey, str] = {}
    for phase in PHASES:
        todo = [key for key, p in own.items() if p == phase and key not in listed]
        for key in todo:
            listed[key] = phase
        while todo:
            key = todo.pop()
            for before in pred[key]:
                if before not in listed:
                    listed[before] = phase
                    todo.append(before)
    return listed


def _sort_key(key: StepKey, severity: dict[StepKey, Severity]) -> tuple[int, str, str, str]:
    """Among steps free to go: critical first, then rule id, then the Region pair."""
    return (-severity[key].rank, *key)


def _order(
    groups: dict[StepKey, list[Result]],
    phase: dict[StepKey, str],
    severity: dict[StepKey, Severity],
    succ: dict[StepKey, set[StepKey]],
    pred: dict[StepKey, set[StepKey]],
) -> tuple[list[StepKey], dict[StepKey, set[StepKey]]]:
    """The steps in plan order, and the cycles broken (step put first -> the steps it
    waits for that come after it).

    Phase by phase: a step's blockers are in its phase or an earlier one
    (:func:`_listed_phases`), so within a phase the order is Kahn's, the free step with
    the lowest :func:`_sort_key` first. When every step left waits for another, the
    steps wait in a cycle: the lowest of the cycles nothing else left blocks goes first.
    """
    order: list[StepKey] = []
    broken: dict[StepKey, set[StepKey]] = {}
    for current in PHASES:
        members = {key for key in groups if phase[key] == current}
        waiting = {key: pred[key] & members for key in members}
        ready = [(_sort_key(key, severity), key) for key in members if not waiting[key]]
        heapq.heapify(ready)
        remaining = set(members)
        while remaining:
            if not ready:
                first = min(_cycle_heads(remaining, succ), key=lambda k: _sort_key(k, severity))
                broken[first] = set(waiting[first])
                waiting[first] = set()
                heapq.heappush(ready, (_sort_key(first, severity), first))
            _, key = heapq.heappop(ready)
            remaining.discard(key)
            order.append(key)
            for after in sorted(succ[key] & remaining):
                if key in waiting[after]:
                    waiting[after].discard(key)
                    if not waiting[after]:
                        heapq.heappush(ready, (_sort_key(after, severity), after))
    return order, broken


def _cycle_heads(nodes: set[StepKey], succ: dict[StepKey, set[StepKey]]) -> list[StepKey]:
    """The steps of the strongly connected components of ``nodes`` that no other
    component blocks (Tarjan's algorithm, without recursion)."""
    index: dict[StepKey, int] = {}
    low: dict[StepKey, int] = {}
    component: dict[StepKey, int] = {}
    stack: list[StepKey] = []
    on_stack: set[StepKey] = set()
    count = 0
    for start in sorted(nodes):
        if start in index:
            continue
        work: list[tuple[StepKey, list[StepKey]]] = [(start, sorted(succ[start] & nodes))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, todo = work[-1]
            if todo:
                nxt = todo.pop()
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(succ[nxt] & nodes)))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = count
                    if member == node:
                        break
                count += 1
    blocked = {
        component[after]
        for node in nodes
        for after in succ[node] & nodes
        if component[after] != component[node]
    }
    return [node for node in nodes if component[node] not in blocked]


def _ancestors(keys: set[StepKey], pred: dict[StepKey, set[StepKey]]) -> set[StepKey]:
    """``keys`` and every step they wait for, directly or not."""
    found = set(keys)
    todo = list(keys)
    while todo:
        for before in pred[todo.pop()]:
            if before not in found:
                found.add(before)
                todo.append(before)
    return found

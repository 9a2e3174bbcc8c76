"""clone-web-acl (WAF-001..005): clone a web ACL, rule group or set into the target.

One change per resource the finding is about (a web ACL for WAF-001..004, a rule group
for WAF-004, an IP set, regex pattern set or rule group for WAF-005), carrying the
source items it needs in dependency order: IP sets, regex pattern sets, rule groups,
then the resource itself. Applying walks that list in the target:

- an item missing there is created (Create*), one that differs from the source is
  updated (Update* with the LockToken of its Get*), one that matches is left alone;
- every ARN in a statement (nested And/Or/Not, rate-based and managed rule group
  scope-downs, rule group references) is remapped from the source resource's ARN to its
  target twin's, found or created just before; a reference still naming another Region
  is refused, never written;
- a web ACL's capacity is checked before anything is written (the source's recorded
  WCU against ``MAX_WEB_ACL_WCU``) and again with CheckCapacity on the remapped rules
  just before it is created or updated; a rule group's rules are checked against its
  capacity, which is fixed when it is created. Over the limit: refused with a message;
- IP sets, regex pattern sets and rule groups that exist only in the target are never
  touched, and nothing is ever deleted.

Idempotent: an item is "equal" when ``waf_clone.differences`` finds nothing, the same
comparison WAF-003 and WAF-005 make (references compared by scope, type and name within
each Region), so a second run changes nothing. Associations (WAF-006) and logging
(WAF-007) are not part of the clone.

A WAF-004 finding on a target web ACL or rule group with no same-named source twin is
fixed in place: its rules are kept and only its references to source resources are
remapped (the referenced source items are cloned first).

Nothing is planned, and the plan's notes say why, for a clone that cannot be made: a
reference to a resource the snapshot does not hold (another Region's, or deleted), or a
source web ACL over ``MAX_WEB_ACL_WCU``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from regionready.model import Result
from regionready.remediation import Change, PlanContext, TargetClients, waf_clone
from regionready.remediation.actions.common import note
from regionready.remediation.actions.errors import RemediationError

ACTION = "clone-web-acl"
PERMISSIONS = (
    "wafv2:ListIPSets",
    "wafv2:GetIPSet",
    "wafv2:CreateIPSet",
    "wafv2:UpdateIPSet",
    "wafv2:ListRegexPatternSets",
    "wafv2:GetRegexPatternSet",
    "wafv2:CreateRegexPatternSet",
    "wafv2:UpdateRegexPatternSet",
    "wafv2:ListRuleGroups",
    "wafv2:GetRuleGroup",
    "wafv2:CreateRuleGroup",
    "wafv2:UpdateRuleGroup",
    "wafv2:ListWebACLs",
    "wafv2:GetWebACL",
    "wafv2:CreateWebACL",
    "wafv2:UpdateWebACL",
    "wafv2:CheckCapacity",
)

# AWS WAF quota: a web ACL can use at most 5,000 WCU (1,500 are in the base price).
MAX_WEB_ACL_WCU = 5000
PAGE_LIMIT = 100
SERVICE = "wafv2"  # the collector's name in the snapshot


@dataclass(frozen=True)
class _Api:
    list_op: str
    list_key: str
    get_op: str
    get_key: str
    create_op: str
    update_op: str


API = {
    "ip_set": _Api(
        "list_ip_sets", "IPSets", "get_ip_set", "IPSet", "create_ip_set", "update_ip_set"
    ),
    "regex_pattern_set": _Api(
        "list_regex_pattern_sets",
        "RegexPatternSets",
        "get_regex_pattern_set",
        "RegexPatternSet",
        "create_regex_pattern_set",
        "update_regex_pattern_set",
    ),
    "rule_group": _Api(
        "list_rule_groups",
        "RuleGroups",
        "get_rule_group",
        "RuleGroup",
        "create_rule_group",
        "update_rule_group",
    ),
    "web_acl": _Api(
        "list_web_acls", "WebACLs", "get_web_acl", "WebACL", "create_web_acl", "update_web_acl"
    ),
}
LABEL = {
    "ip_set": "IP set",
    "regex_pattern_set": "regex pattern set",
    "rule_group": "rule group",
    "web_acl": "web ACL",
}


# -- plan --------------------------------------------------------------------------------


def _items(ctx: PlanContext, region: str) -> dict[str, dict[str, Any]]:
    """Every WAF item of ``region`` by ARN."""
    return {
        str(item["ARN"]): item
        for kind in waf_clone.KINDS
        for item in ctx.items(region, SERVICE, kind)
        if item.get("ARN")
    }


def _twin(items: dict[str, dict[str, Any]], key: tuple[str, str, str]) -> dict[str, Any] | None:
    for arn, item in items.items():
        ref = waf_clone.parse_arn(arn)
        if ref is not None and ref.key == key:
            return item
    return None


def _root(finding: Result, ctx: PlanContext) -> tuple[str, bool]:
    """The ARN of the item to clone and whether it is a target item fixed in place."""
    source_id = finding.details.get("source")
    if finding.rule_id != "WAF-004" and source_id:
        return str(source_id), False
    # WAF-004 is a target readiness finding: the resource id is the target item's ARN.
    target_ref = waf_clone.parse_arn(finding.resource_id)
    if target_ref is None:
        raise RemediationError(f"{finding.resource_id} is not a WAF ARN")
    twin = _twin(_items(ctx, ctx.source), target_ref.key)
    if twin is not None:
        return str(twin["ARN"]), False
    return finding.resource_id, True


def _state(kind: str, item: dict[str, Any], twin: dict[str, Any] | None, ctx: PlanContext) -> str:
    """What apply will do to ``item``, judged from the snapshot."""
    if twin is None:
        return "create"
    if waf_clone.differences(kind, item, twin, ctx.source, ctx.target):
        return "update"
    return "as is"


def plan(finding: Result, ctx: PlanContext) -> list[Change]:
    try:
        return _plan(finding, ctx)
    except RemediationError as exc:  # a clone that cannot be made: say why, plan nothing
        note(ctx, f"{finding.rule_id} {finding.resource_id}: {exc}")
        return []


def _plan(finding: Result, ctx: PlanContext) -> list[Change]:
    root, in_place = _root(finding, ctx)
    source_items = _items(ctx, ctx.source)
    target_items = _items(ctx, ctx.target)
    items = dict(source_items)
    if in_place:
        if root not in target_items:
            return []
        items[root] = target_items[root]
    elif root not in items:
        return []
    try:
        order = waf_clone.clone_order(root, items, keep_region=ctx.target)
    except waf_clone.CloneError as exc:
        raise RemediationError(f"not planned: {exc}") from exc
    root_ref = waf_clone.parse_arn(root)
    assert root_ref is not None  # clone_order checked it
    capacity = items[root].get("Capacity")
    if root_ref.kind == "web_acl" and isinstance(capacity, int) and capacity > MAX_WEB_ACL_WCU:
        raise RemediationError(
            f"not planned: web ACL {root_ref.name} uses {capacity} WCU, over the "
            f"{MAX_WEB_ACL_WCU} WCU a web ACL may use"
        )
    steps: list[dict[str, Any]] = []
    states: list[str] = []
    for arn in order:
        ref = waf_clone.parse_arn(arn)
        assert ref is not None
        item = items[arn]
        steps.append(
            {
                "Kind": ref.kind,
                "Name": ref.name,
                "SourceArn": arn,
                "Spec": waf_clone.spec(ref.kind, item),
            }
        )
        twin = _twin(target_items, ref.key)
        state = "fix references" if in_place and arn == root else _state(ref.kind, item, twin, ctx)
        states.append(f"{LABEL[ref.kind]} {ref.name}: {state}")
    return [
        Change.fixing(
            finding,
            ACTION,
            region=ctx.target,
            resource=f"{root_ref.scope}/{root_ref.kind}/{root_ref.name}",
            summary=f"clone {LABEL[root_ref.kind]} {root_ref.name} from {ctx.source}, "
            f"ARNs remapped ({'; '.join(states)})",
            params={
                "Scope": root_ref.scope,
                "Kind": root_ref.kind,
                "Name": root_ref.name,
                "Capacity": capacity if root_ref.kind == "web_acl" else None,
                "Items": steps,
            },
        )
    ]


# -- apply -------------------------------------------------------------------------------


class _Target:
    """The target's WAF resources of one scope, listed once per kind as needed."""

    def __init__(self, waf: Any, scope: str) -> None:
        self.waf = waf
        self.scope = scope
        self._names: dict[str, dict[str, dict[str, Any]]] = {}

    def _listed(self, kind: str) -> dict[str, dict[str, Any]]:
        if kind not in self._names:
            api = API[kind]
            found: dict[str, dict[str, Any]] = {}
            seen: set[str] = set()
            marker: str | None = None
            while True:
                paging = {"NextMarker": marker} if marker else {}
                page = getattr(self.waf, api.list_op)(Scope=self.scope, Limit=PAGE_LIMIT, **paging)
                entries = page.get(api.list_key) or []
                found.update({str(e["Name"]): e for e in entries})
                marker = page.get("NextMarker")
                if not marker or not entries or marker in seen:
                    break
                seen.add(marker)
            self._names[kind] = found
        return self._names[kind]

    def get(self, kind: str, name: str) -> tuple[dict[str, Any] | None, str | None]:
        """The item (Get*) and its LockToken, or (None, None) when there is none."""
        summary = self._listed(kind).get(name)
        if summary is None:
            return None, None
        api = API[kind]
        got = getattr(self.waf, api.get_op)(Name=name, Scope=self.scope, Id=summary["Id"])
        item: dict[str, Any] = got[api.get_key]
        return item, got.get("LockToken")


def _check_capacity(
    waf: Any, scope: str, kind: str, name: str, desired: dict[str, Any], limit: Any, verb: str
) -> None:
    """Refuse a rule group or web ACL whose rules need more WCU than it may use."""
    if kind not in ("rule_group", "web_acl") or not desired.get("Rules"):
        return
    needed = int(waf.check_capacity(Scope=scope, Rules=desired["Rules"])["Capacity"])
    label = f"{LABEL[kind]} {name}"
    if kind == "web_acl" and needed > MAX_WEB_ACL_WCU:
        raise RemediationError(
            f"{label} needs {needed} WCU, over the {MAX_WEB_ACL_WCU} WCU a web ACL may use: "
            f"not {verb}"
        )
    if kind == "rule_group" and isinstance(limit, int) and needed > limit:
        fixed = (
            " (a rule group's capacity is fixed when it is created, and remediation never "
            "deletes one to recreate it)"
            if verb == "updated"
            else ""
        )
        raise RemediationError(
            f"{label} needs {needed} WCU, over its capacity of {limit}: not {verb}{fixed}"
        )


def _clone(change: Change, clients: TargetClients, done: list[str]) -> None:
    p = change.params
    waf = clients(SERVICE)
    target, scope = clients.target, str(p["Scope"])
    capacity = p.get("Capacity")
    if isinstance(capacity, int) and capacity > MAX_WEB_ACL_WCU:
        raise RemediationError(
            f"web ACL {p['Name']} uses {capacity} WCU, over the {MAX_WEB_ACL_WCU} WCU a web "
            "ACL may use: not cloned"
        )
    state = _Target(waf, scope)
    # Read everything first, and refuse what cannot be fixed before writing anything.
    current: list[tuple[dict[str, Any] | None, str | None]] = []
    for step in p["Items"]:
        live, token = state.get(step["Kind"], step["Name"])
        wanted = step["Spec"].get("IPAddressVersion")
        if step["Kind"] == "ip_set" and live is not None and live.get("IPAddressVersion") != wanted:
            raise RemediationError(
                f"IP set {step['Name']} in {target} is {live.get('IPAddressVersion')}, the "
                f"source's is {wanted}: the version cannot be changed, and remediation never "
                "deletes the set to recreate it"
            )
        current.append((live, token))
    mapping: dict[str, str] = {}
    for step, (live, token) in zip(p["Items"], current, strict=True):
        kind, name = str(step["Kind"]), str(step["Name"])
        api, label = API[kind], f"{LABEL[kind]} {name}"
        try:
            desired = waf_clone.remap(step["Spec"], mapping, keep_region=target)
        except waf_clone.CloneError as exc:
            raise RemediationError(f"{label}: {exc}") from exc
        if live is None:
            _check_capacity(waf, scope, kind, name, desired, desired.get("Capacity"), "created")
            made = getattr(waf, api.create_op)(Name=name, Scope=scope, **desired)["Summary"]
            mapping[str(step["SourceArn"])] = str(made["ARN"])
            done.append(f"created {label}")
            continue
        mapping[str(step["SourceArn"])] = str(live["ARN"])
        drift = waf_clone.differences(kind, desired, live, target)
        if not drift:
            continue
        _check_capacity(waf, scope, kind, name, desired, live.get("Capacity"), "updated")
        getattr(waf, api.update_op)(
            Name=name,
            Scope=scope,
            Id=live["Id"],
            LockToken=token,
            **waf_clone.update_params(kind, desired),
        )
        done.append(f"updated {label} (it differed from the source: {'; '.join(drift)})")


def apply(change: Change, clients: TargetClients) -> str:
    p = change.params
    done: list[str] = []
    try:
        _clone(change, clients, done)
    except (RemediationError, ClientError) as exc:
        if not done:
            raise
        raise RemediationError(f"{exc} (done before the failure: {'; '.join(done)})") from exc
    if not done:
        return (
            f"already present: {LABEL[p['Kind']]} {p['Name']} and everything it references "
            f"match the source in {clients.target}"
        )
    return "; ".join(done)

"""Make moto (5.2.x) answer ACM and KMS calls the way AWS does, for what regionready reads.

A test against moto that answers differently from AWS passes code that fails on AWS, so
every divergence that matters to the ACM and KMS collectors, rules or remediation is
corrected here, in one place, with botocore event hooks. Each hook is small and says
which moto behaviour it corrects (see /work/shared/MOTO.md for the measurements):

ACM
  * ListCertificates without ``Includes.keyTypes`` returns every key type; AWS returns
    only RSA_1024 and RSA_2048 certificates (the "ACM trap"). The hook filters to those
    two unless key types are asked for.
  * ListCertificates ignores ``MaxItems``/``NextToken``: the hook pages the answer itself
    (opaque ``NextToken``), so paginators and small page sizes are exercised.
  * RequestCertificate ignores ``KeyAlgorithm`` (always RSA_2048) and ``ValidationMethod``
    (DomainValidationOptions always say DNS with a CNAME). The hook remembers what was
    requested and answers DescribeCertificate/ListCertificates with it: the requested key
    algorithm, and for EMAIL validation ``ValidationMethod: EMAIL`` with the
    ``ValidationEmails`` AWS sends to and no ``ResourceRecord``.
  * SubjectAlternativeNames and DomainValidationOptions of requested certificates come in
    set (random) order; AWS lists the domain name, then the other names as requested.
  * InUseBy holds the ELBv2 *listener* ARN; AWS names the load balancer.

KMS
  * DescribeKey/CreateKey/ReplicateKey: ``replicate_key`` makes a shallow copy, so the
    primary and its replicas share one MultiRegionConfiguration and may all report
    REPLICA (and the ReplicateKey response says PRIMARY). The hook derives
    ``MultiRegionKeyType`` from the key's own ARN Region versus ``PrimaryKey.Region``.
    moto also omits ``MultiRegion`` for single-Region keys and ``KeyUsage`` when it was
    not passed at creation; AWS always returns both (KeyUsage defaults to
    ENCRYPT_DECRYPT, GENERATE_VERIFY_MAC for HMAC keys).
  * ReplicateKey: the shallow copy also shares the primary's aliases and grants with the
    replica (so an alias of the same name cannot be created in the replica Region), copies
    the primary's policy and description, and ignores the Policy, Description and Tags
    parameters. In AWS a replica gets its own (empty) aliases and grants, the Policy given
    (else the default key policy), the Description given (else empty) and the Tags given.
    The hook repairs moto's stored replica accordingly.
  * ListAliases shows a multi-Region key's aliases in every Region holding the key; AWS
    aliases are per Region: the hook drops entries whose AliasArn is in another Region.
    moto also gives the predefined ``alias/aws/*`` aliases a made-up TargetKeyId; AWS
    omits TargetKeyId until the AWS managed key exists.
  * ListAliases/ListKeys ignore ``Limit``/``Marker``: the hook pages them.
  * GetKeyRotationStatus: rotation is a shared property of multi-Region keys (set on the
    primary, reported by every replica) and is false while a key is pending deletion;
    moto keeps a per-copy flag. The hook answers a replica with its primary's flag.
  * ``aws_managed_key()`` is a seeding helper: moto creates the key behind a predefined
    alias on first use but labels it KeyManager CUSTOMER; the helper relabels it AWS.

Not corrected (collectors do not depend on them; see the report of the change):
ACM RenewalEligibility (always INELIGIBLE), SubjectAlternativeNameSummaries in list
answers, classic ELB InUseBy (a DNS name); KMS Enable/DisableKeyRotation on a replica
(AWS rejects it), GetKeyRotationStatus on asymmetric/HMAC/imported keys (AWS rejects it,
moto says false), grants created on a primary before this module repaired a replica.

The hooks that repair stored state (ReplicateKey, rotation, ``aws_managed_key``) reach
into moto's in-process backends, so they need moto running in this process
(``moto.mock_aws``, as the tests and the demo do); against a moto server they do nothing
and the response-only corrections still apply.

Install on a boto3 or botocore Session *before* creating clients (a client copies the
session's handlers when it is created), or on an existing client::

    session = moto_gaps.install(boto3.Session(region_name="us-east-1"))
    with mock_aws():
        kms = session.client("kms")

or, when other code creates the sessions (the demo running the collection driver)::

    with mock_aws(), moto_gaps.everywhere():
        run_the_driver()
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

# ACM key types AWS lists when the request names none (the "ACM trap").
ACM_DEFAULT_KEY_TYPES = ("RSA_1024", "RSA_2048")

# Where a before-parameter-build hook leaves the caller's parameters for after-call hooks.
_PARAMS = "regionready_moto_gaps_params"
_TOKEN = "moto-gaps:"

# What RequestCertificate asked for, by certificate ARN (moto forgets it). ARNs hold a
# random UUID, so entries from an earlier mock never collide with later ones.
_requested: dict[str, dict[str, Any]] = {}
_requested_lock = threading.Lock()

Handler = Callable[..., Any]


# ---------------------------------------------------------------- shared helpers


def _remember_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    """before-parameter-build: keep the caller's parameters for the after-call hook."""
    context[_PARAMS] = dict(params)


def _request(context: dict[str, Any] | None) -> dict[str, Any]:
    if not context:
        return {}
    found: dict[str, Any] = context.get(_PARAMS) or {}
    return found


def _failed(parsed: Any) -> bool:
    return not isinstance(parsed, dict) or "Error" in parsed


def _arn_region(arn: Any) -> str | None:
    parts = str(arn or "").split(":")
    return parts[3] if len(parts) > 5 and parts[0] == "arn" else None


def _page(
    parsed: dict[str, Any],
    request: dict[str, Any],
    *,
    items: str,
    limit: str,
    token_in: str,
    token_out: str,
    truncated: str | None = None,
) -> None:
    """Slice a complete list answer into the page the request asked for.

    Only applies when moto answered everything at once: a continuation token that is not
    ours (moto paging on its own) leaves the answer untouched.
    """
    found = parsed.get(items)
    token = request.get(token_in)
    if not isinstance(found, list) or parsed.get(token_out):
        return
    if token is not None and not str(token).startswith(_TOKEN):
        return
    start = int(str(token)[len(_TOKEN) :]) if token is not None else 0
    size = request.get(limit)
    end = start + int(size) if size else len(found)
    parsed[items] = found[start:end]
    more = end < len(found)
    if more:
        parsed[token_out] = f"{_TOKEN}{end}"
    if truncated is not None:
        parsed[truncated] = more


# ---------------------------------------------------------------- ACM


def _acm_list_request(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    """Send ListCertificates without keyTypes: the after-call hook filters on the key
    algorithm AWS would report (moto's own filter sees RSA_2048 for requested EC certs)."""
    context[_PARAMS] = dict(params)
    includes = params.get("Includes")
    if isinstance(includes, dict) and "keyTypes" in includes:
        rest = {k: v for k, v in includes.items() if k != "keyTypes"}
        if rest:
            params["Includes"] = rest
        else:
            del params["Includes"]


def _acm_record_request(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call RequestCertificate: remember key algorithm and validation method."""
    if _failed(parsed) or "CertificateArn" not in parsed:
        return
    request = _request(context)
    domains = {
        str(o.get("DomainName")): str(o.get("ValidationDomain"))
        for o in request.get("DomainValidationOptions") or []
        if o.get("DomainName") and o.get("ValidationDomain")
    }
    names = [request.get("DomainName"), *(request.get("SubjectAlternativeNames") or [])]
    with _requested_lock:
        _requested[parsed["CertificateArn"]] = {
            "Names": list(dict.fromkeys(str(n) for n in names if n)),
            "KeyAlgorithm": request.get("KeyAlgorithm") or "RSA_2048",
            "ValidationMethod": request.get("ValidationMethod") or "DNS",
            "ValidationDomains": domains,
        }


def _validation_emails(domain: str) -> list[str]:
    base = domain[2:] if domain.startswith("*.") else domain
    return [
        f"{box}@{base}"
        for box in ("admin", "administrator", "hostmaster", "postmaster", "webmaster")
    ]


def _in_order(names: list[str], wanted: list[str]) -> list[str]:
    """``names`` in the order of ``wanted`` (the request); names not asked for last."""
    rank = {name: i for i, name in enumerate(wanted)}
    return sorted(names, key=lambda n: (rank.get(n, len(rank)), n))


def _listener_to_load_balancer(arn: str) -> str:
    """arn:...:listener/app/name/lb-id/listener-id -> arn:...:loadbalancer/app/name/lb-id"""
    head, sep, path = arn.partition(":listener/")
    if not sep:
        return arn
    return f"{head}:loadbalancer/{path.rsplit('/', 1)[0]}"


def _acm_fix_certificate(cert: dict[str, Any]) -> None:
    with _requested_lock:
        asked = _requested.get(str(cert.get("CertificateArn")))
    if asked:
        cert["KeyAlgorithm"] = asked["KeyAlgorithm"]
        cert["SubjectAlternativeNames"] = _in_order(
            cert.get("SubjectAlternativeNames") or [], asked["Names"]
        )
    if isinstance(cert.get("InUseBy"), list):
        cert["InUseBy"] = sorted({_listener_to_load_balancer(a) for a in cert["InUseBy"]})
    options = cert.get("DomainValidationOptions")
    if not isinstance(options, list):
        return
    wanted = (
        asked["Names"]
        if asked
        else [cert.get("DomainName"), *cert.get("SubjectAlternativeNames", [])]
    )
    names = _in_order([str(o.get("DomainName")) for o in options], [str(n) for n in wanted])
    options.sort(key=lambda o: names.index(str(o.get("DomainName"))))
    if not asked or asked["ValidationMethod"] != "EMAIL":
        return
    for option in options:
        domain = str(option.get("DomainName"))
        validation_domain = asked["ValidationDomains"].get(domain, domain)
        option.pop("ResourceRecord", None)
        option["ValidationMethod"] = "EMAIL"
        option["ValidationDomain"] = validation_domain
        option["ValidationEmails"] = _validation_emails(validation_domain)


def _acm_describe(parsed: Any, **_: Any) -> None:
    """after-call DescribeCertificate: requested key algorithm, EMAIL validation, InUseBy."""
    if not _failed(parsed) and isinstance(parsed.get("Certificate"), dict):
        _acm_fix_certificate(parsed["Certificate"])


def _acm_list(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call ListCertificates: AWS's default key types, then paging."""
    if _failed(parsed):
        return
    request = _request(context)
    summaries = parsed.get("CertificateSummaryList") or []
    with _requested_lock:
        for summary in summaries:
            asked = _requested.get(str(summary.get("CertificateArn")))
            if asked:
                summary["KeyAlgorithm"] = asked["KeyAlgorithm"]
    wanted = (request.get("Includes") or {}).get("keyTypes") or ACM_DEFAULT_KEY_TYPES
    parsed["CertificateSummaryList"] = [s for s in summaries if s.get("KeyAlgorithm") in wanted]
    _page(
        parsed,
        request,
        items="CertificateSummaryList",
        limit="MaxItems",
        token_in="NextToken",
        token_out="NextToken",
    )


# ---------------------------------------------------------------- KMS


def _moto_kms(region: str, key_ref: str) -> tuple[Any, Any] | None:
    """(moto backend, moto key) for a key id, key ARN, alias name or alias ARN in a Region
    of this process's moto; None when moto is not in-process or does not hold the key."""
    try:
        from moto.kms.models import kms_backends
    except ImportError:  # pragma: no cover - moto is a test/demo dependency
        return None
    ref = str(key_ref)
    if ":alias/" in ref:
        ref = "alias/" + ref.split(":alias/", 1)[1]
    elif ":key/" in ref:
        ref = ref.split(":key/", 1)[1]
    for by_region in list(kms_backends.values()):
        backend = dict.get(by_region, region)  # plain get: never create a backend
        if backend is None:
            continue
        if ref in backend.keys:
            return backend, backend.keys[ref]
        for key in list(backend.keys.values()):
            if ref in key.aliases:
                return backend, key
    return None


def _is_replica(key: Any) -> bool:
    if not key.multi_region:
        return False
    config: dict[str, Any] = key.multi_region_configuration
    return bool(key.arn != config["PrimaryKey"]["Arn"])


def _kms_fix_metadata(meta: Any) -> None:
    if not isinstance(meta, dict):
        return
    meta.setdefault("MultiRegion", False)
    spec = str(meta.get("KeySpec") or "")
    meta.setdefault(
        "KeyUsage", "GENERATE_VERIFY_MAC" if spec.startswith("HMAC_") else "ENCRYPT_DECRYPT"
    )
    config = meta.get("MultiRegionConfiguration")
    region = _arn_region(meta.get("Arn"))
    if isinstance(config, dict) and region and "PrimaryKey" in config:
        primary = config["PrimaryKey"].get("Region")
        config["MultiRegionKeyType"] = "PRIMARY" if primary == region else "REPLICA"


def _kms_metadata(parsed: Any, **_: Any) -> None:
    """after-call CreateKey/DescribeKey/ReplicateKey: per-Region MultiRegionKeyType,
    MultiRegion and KeyUsage always present."""
    if not _failed(parsed):
        _kms_fix_metadata(parsed.get("KeyMetadata"))
        _kms_fix_metadata(parsed.get("ReplicaKeyMetadata"))


def _kms_replicate(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call ReplicateKey: give moto's replica its own aliases, grants, policy,
    description and tags, as AWS does."""
    if _failed(parsed) or not isinstance(parsed.get("ReplicaKeyMetadata"), dict):
        return
    meta = parsed["ReplicaKeyMetadata"]
    region = _arn_region(meta.get("Arn"))
    found = _moto_kms(region, str(meta.get("KeyId"))) if region else None
    if found is None:
        return
    backend, key = found
    request = _request(context)
    key.aliases = {}
    key.grants = {}
    key.policy = request.get("Policy") or key.generate_default_policy()
    key.description = request.get("Description") or ""
    if request.get("Tags"):
        backend.tagger.tag_resource(key.id, request["Tags"])
    meta["Description"] = key.description
    parsed["ReplicaPolicy"] = key.policy
    parsed["ReplicaTags"] = list(request.get("Tags") or [])


def _kms_aliases(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call ListAliases: this Region's aliases only, no made-up TargetKeyId, paging."""
    if _failed(parsed):
        return
    region = (context or {}).get("client_region")
    try:
        from moto.kms.utils import RESERVED_ALIASE_TARGET_KEY_IDS as placeholders
    except ImportError:  # pragma: no cover
        placeholders = {}
    kept = []
    for alias in parsed.get("Aliases") or []:
        if region and _arn_region(alias.get("AliasArn")) not in (None, region):
            continue
        if placeholders.get(alias.get("AliasName")) == alias.get("TargetKeyId"):
            alias.pop("TargetKeyId", None)
        kept.append(alias)
    parsed["Aliases"] = kept
    _page(
        parsed,
        _request(context),
        items="Aliases",
        limit="Limit",
        token_in="Marker",
        token_out="NextMarker",
        truncated="Truncated",
    )


def _kms_keys(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call ListKeys: paging."""
    if not _failed(parsed):
        _page(
            parsed,
            _request(context),
            items="Keys",
            limit="Limit",
            token_in="Marker",
            token_out="NextMarker",
            truncated="Truncated",
        )


def _kms_rotation(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call GetKeyRotationStatus: a replica reports its primary's (shared) flag; a
    key pending deletion reports false."""
    region = (context or {}).get("client_region")
    key_ref = _request(context).get("KeyId")
    if _failed(parsed) or not region or not key_ref:
        return
    found = _moto_kms(region, str(key_ref))
    if found is None:
        return
    key = found[1]
    if _is_replica(key):
        primary = key.multi_region_configuration["PrimaryKey"]
        source = _moto_kms(primary["Region"], key.id)
        if source is not None:
            parsed["KeyRotationEnabled"] = bool(source[1].key_rotation_status)
    if key.key_state == "PendingDeletion":
        parsed["KeyRotationEnabled"] = False


# ---------------------------------------------------------------- installation

HANDLERS: tuple[tuple[str, Handler], ...] = (
    ("before-parameter-build.acm.ListCertificates", _acm_list_request),
    ("before-parameter-build.acm.RequestCertificate", _remember_params),
    ("after-call.acm.RequestCertificate", _acm_record_request),
    ("after-call.acm.ListCertificates", _acm_list),
    ("after-call.acm.DescribeCertificate", _acm_describe),
    ("before-parameter-build.kms.ListAliases", _remember_params),
    ("before-parameter-build.kms.ListKeys", _remember_params),
    ("before-parameter-build.kms.ReplicateKey", _remember_params),
    ("before-parameter-build.kms.GetKeyRotationStatus", _remember_params),
    ("after-call.kms.CreateKey", _kms_metadata),
    ("after-call.kms.DescribeKey", _kms_metadata),
    ("after-call.kms.ReplicateKey", _kms_replicate),
    ("after-call.kms.ReplicateKey", _kms_metadata),
    ("after-call.kms.ListAliases", _kms_aliases),
    ("after-call.kms.ListKeys", _kms_keys),
    ("after-call.kms.GetKeyRotationStatus", _kms_rotation),
)


def _emitter(target: Any) -> Any:
    """The event system of a boto3 Session, botocore Session, client or emitter."""
    if hasattr(target, "register") and hasattr(target, "unregister"):
        return target
    events = getattr(target, "events", None)  # boto3.Session
    if events is None and hasattr(target, "meta"):  # a client
        events = target.meta.events
    if events is None and hasattr(target, "get_component"):  # botocore Session
        events = target.get_component("event_emitter")
    if events is None:
        raise TypeError(f"cannot find a botocore event system on {type(target).__name__}")
    return events


def _unique_id(event: str, handler: Handler) -> str:
    return f"regionready.moto_gaps:{event}:{handler.__name__}"


def install(target: Any, handlers: Iterable[tuple[str, Handler]] = HANDLERS) -> Any:
    """Register the hooks on ``target`` (boto3/botocore Session, client or event emitter).

    Idempotent (each hook has a unique id). Clients made from a session *afterwards* get
    the hooks; install on a client directly to correct one that already exists. Returns
    ``target`` so ``session = install(boto3.Session())`` reads naturally.
    """
    events = _emitter(target)
    for event, handler in handlers:
        events.register(event, handler, unique_id=_unique_id(event, handler))
    return target


def uninstall(target: Any, handlers: Iterable[tuple[str, Handler]] = HANDLERS) -> None:
    """Remove the hooks that :func:`install` registered on ``target``."""
    events = _emitter(target)
    for event, handler in handlers:
        events.unregister(event, handler, unique_id=_unique_id(event, handler))


@contextmanager
def everywhere(handlers: Iterable[tuple[str, Handler]] = HANDLERS) -> Iterator[None]:
    """Install on every botocore/boto3 Session *created* inside the block.

    For code that makes its own sessions (the collection driver run by the demo): the
    hooks join botocore's built-in handlers, which each new Session registers. Sessions
    made inside keep the hooks after the block; sessions made before never get them.
    """
    from botocore import handlers as builtin

    added = list(handlers)
    builtin.BUILTIN_HANDLERS.extend(added)
    try:
        yield
    finally:
        for spec in added:
            builtin.BUILTIN_HANDLERS.remove(spec)


def aws_managed_key(kms_client: Any, alias_name: str = "alias/aws/s3") -> str:
    """Create the AWS managed key behind a predefined ``alias/aws/*`` alias; its key id.

    moto creates that key on first use of the alias (as AWS does) but labels it
    ``KeyManager: CUSTOMER``; this relabels it ``AWS``. Needs moto in-process.
    """
    key_id = str(kms_client.describe_key(KeyId=alias_name)["KeyMetadata"]["KeyId"])
    found = _moto_kms(kms_client.meta.region_name, key_id)
    if found is None:
        raise RuntimeError("aws_managed_key needs moto running in this process (mock_aws)")
    key = found[1]
    key.key_manager = "AWS"
    service = alias_name.rsplit("/", 1)[-1]
    key.description = f"Default key that protects my {service} data when no other key is defined"
    return key_id

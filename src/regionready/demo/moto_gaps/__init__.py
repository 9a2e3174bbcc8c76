"""Make moto (5.2.x) answer ACM and KMS calls the way AWS does, for what regionready reads.

A test against moto that answers differently from AWS passes code that fails on AWS, so
every divergence that matters to the ACM and KMS collectors, rules or remediation is
corrected here, in one place, with botocore event hooks. Each hook is small and says
which moto behaviour it corrects, and a test under tests/ checks each one:

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
  * EnableKeyRotation ignores ``RotationPeriodInDays`` and GetKeyRotationStatus never
    reports one; AWS keeps the period asked for (365 days when none is) and reports it
    while rotation is on. The hooks keep it on moto's key and report it.
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

Concurrency: moto's in-process backends are not thread-safe, and some reads write to
them (SSM loads its public parameters on first read, while the Resource Groups Tagging
API's GetResources walks every backend of the Region): ``install`` and ``everywhere``
make in-process moto answer one request at a time (``_serial``), so concurrent
collectors cannot fail with moto's ``dictionary changed size during iteration``.

Layout: one module per AWS service (``acm``, ``kms``, ...), each exporting ``HANDLERS``
(botocore event name, handler); this package joins them, in module-name order. A
service moto lacks entirely is answered by a ``before-call`` hook that returns the real
API's response shape (botocore uses a ``before-call`` return value as the response).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from regionready.demo.moto_gaps import _serial
from regionready.demo.moto_gaps._common import Handler
from regionready.demo.moto_gaps._joined import joined
from regionready.demo.moto_gaps._keys import shared_keys
from regionready.demo.moto_gaps.acm import ACM_DEFAULT_KEY_TYPES, approve_email_validation
from regionready.demo.moto_gaps.kms import aws_managed_key


def _all_handlers() -> tuple[tuple[str, Handler], ...]:
    found: list[tuple[str, Handler]] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.extend(module.HANDLERS)
    return tuple(found)


HANDLERS: tuple[tuple[str, Handler], ...] = _all_handlers()

__all__ = [
    "ACM_DEFAULT_KEY_TYPES",
    "HANDLERS",
    "approve_email_validation",
    "aws_managed_key",
    "everywhere",
    "install",
    "shared_keys",
    "uninstall",
]


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


def install(target: Any, handlers: Iterable[tuple[str, Handler]] = HANDLERS) -> Any:
    """Register the hooks on ``target`` (boto3/botocore Session, client or event emitter).

    Idempotent (each joined hook has a unique id). Clients made from a session
    *afterwards* get the hooks; install on a client directly to correct one that already
    exists. Returns ``target`` so ``session = install(boto3.Session())`` reads naturally.
    Also makes in-process moto answer one request at a time, process-wide (see
    ``_serial``). The hooks are registered joined, one per event kind (see
    ``_joined``).
    """
    _serial.serialise()
    events = _emitter(target)
    for event, handler, unique_id in joined(handlers):
        events.register(event, handler, unique_id=unique_id)
    return target


def uninstall(target: Any, handlers: Iterable[tuple[str, Handler]] = HANDLERS) -> None:
    """Remove the hooks that :func:`install` registered on ``target``."""
    events = _emitter(target)
    for event, handler, unique_id in joined(handlers):
        events.unregister(event, handler, unique_id=unique_id)


@contextmanager
def everywhere(handlers: Iterable[tuple[str, Handler]] = HANDLERS) -> Iterator[None]:
    """Install on every botocore/boto3 Session *created* inside the block.

    For code that makes its own sessions (the collection driver run by the demo): the
    hooks join botocore's built-in handlers, which each new Session registers. Sessions
    made inside keep the hooks after the block; sessions made before never get them.
    In-process moto answers one request at a time from then on (see ``_serial``).
    """
    from botocore import handlers as builtin

    _serial.serialise()
    added = [(event, handler) for event, handler, _ in joined(handlers)]
    builtin.BUILTIN_HANDLERS.extend(added)
    try:
        yield
    finally:
        for spec in added:
            builtin.BUILTIN_HANDLERS.remove(spec)

"""Sessions and clients of one account: credentials (the standard chain, ``--profile``,
``--role-arn``, an organisation's per-account roles), botocore's adaptive retries,
timeouts and connection pools, and the account's first call.

An organisation's accounts are entered from one base session: their roles are assumed
with one STS client of it, and every assumed-role session shares one botocore data
loader (models and endpoint rules parsed once, not once per account).
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.loaders
import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from regionready import __version__
from regionready.collect import botocore_data
from regionready.collect.clients import concurrency_setting
from regionready.collect.connectivity import (
    RetryCounter,
    count_retries,
    first_call_config,
    unreachable,
)
from regionready.errors import RegionReadyError
from regionready.settings import number_setting


class CollectError(RegionReadyError):
    """The scan cannot start (no credentials, a role that cannot be assumed, ...)."""


#: Environment variables that lower (or raise) the per-call bounds of a run, e.g. so a
#: CI gate fails fast against an endpoint that accepts connections and never answers:
#: each call takes at most about attempts * (connect + read timeout) plus backoff. The
#: defaults bound a call to about a minute: against an endpoint that accepts and never
#: answers, 5 attempts x 10 s read + at most 1+2+4+8 s of backoff (<= 65 s, ~57 s on
#: average); one that never accepts, 5 x 5 s connect + backoff. MAX_ATTEMPTS counts every
#: attempt, the first included (botocore's ``total_max_attempts``). The run's first call
#: (sts:GetCallerIdentity) has its own, shorter bounds: connectivity.first_call_config.
TIMEOUT_SETTINGS: dict[str, tuple[type, float]] = {
    "REGIONREADY_CONNECT_TIMEOUT": (float, 5),
    "REGIONREADY_READ_TIMEOUT": (float, 10),
    "REGIONREADY_MAX_ATTEMPTS": (int, 5),
}


def _setting(name: str) -> Any:
    cast, default = TIMEOUT_SETTINGS[name]
    try:
        value = number_setting(name, default, high=3600, whole=cast is int)
    except ValueError as exc:
        raise CollectError(str(exc)) from None
    return cast(value)


def concurrency() -> int:
    """Per-resource calls in flight per collector task: ``REGIONREADY_CONCURRENCY``
    (1..256, default 16; 1 makes every collector sequential)."""
    try:
        return concurrency_setting()
    except ValueError as exc:
        raise CollectError(str(exc)) from None


def botocore_config(max_pool: int | None = None) -> Config:
    """Adaptive retries and timeouts; a connection pool per client at least as large as
    the per-resource calls a task keeps in flight (``Clients.map``), so none waits for a
    connection or has its connection discarded."""
    if max_pool is None:
        max_pool = max(16, concurrency())
    return Config(
        retries={
            "mode": "adaptive",
            "total_max_attempts": _setting("REGIONREADY_MAX_ATTEMPTS"),
        },
        connect_timeout=_setting("REGIONREADY_CONNECT_TIMEOUT"),
        read_timeout=_setting("REGIONREADY_READ_TIMEOUT"),
        max_pool_connections=max_pool,
        user_agent_extra=f"regionready/{__version__}",
    )


@dataclass
class SessionSpec:
    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    endpoint_url: str | None = None


@dataclass
class AccountSession:
    """Thread-safe client creation for one account (boto3 sessions are not thread-safe)."""

    session: boto3.Session
    endpoint_url: str | None
    config: Config
    _lock: threading.Lock = field(default_factory=threading.Lock)
    #: Retried calls of this account's clients (the progress display shows them).
    retries: RetryCounter = field(default_factory=RetryCounter)

    def client(self, service: str, region: str, config: Config | None = None) -> Any:
        """A client of ``service`` in ``region`` (``config``: instead of the account's;
        only the account's own clients count their retries)."""
        with self._lock:
            client = self.session.client(
                service,
                region_name=region,
                endpoint_url=self.endpoint_url,
                config=config or self.config,
            )
        return client if config is not None else count_retries(client, self.retries)


#: An organisation's accounts are entered from several threads, all from one ``base``
#: session (boto3 sessions are not thread-safe).
_SHARED_SESSION = threading.Lock()


def open_session(spec: SessionSpec, base: boto3.Session | None = None) -> boto3.Session:
    """The standard credential chain, a named profile, and optionally an assumed role."""
    try:
        session = base or boto3.Session(profile_name=spec.profile)
    except BotoCoreError as exc:
        raise CollectError(f"cannot open AWS profile {spec.profile!r}: {exc}") from exc
    with _SHARED_SESSION:
        credentials = session.get_credentials()
    if credentials is None:
        raise CollectError(
            "no AWS credentials found: set AWS_PROFILE or pass --profile, export "
            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run where a role is available "
            "(try 'regionready demo' to see the tool without an account)"
        )
    if not spec.role_arn:
        return session
    # The run's first call fails fast (one attempt, short timeouts); an organisation's
    # per-account roles (``base`` given) keep the retries.
    config = botocore_config() if base is not None else first_call_config(botocore_config())
    if base is not None:
        sts = _assume_role_client(base, spec.endpoint_url, config)
    else:
        with _SHARED_SESSION:
            sts = session.client("sts", endpoint_url=spec.endpoint_url, config=config)
    kwargs: dict[str, Any] = {
        "RoleArn": spec.role_arn,
        "RoleSessionName": f"regionready-{__version__}",
    }
    if spec.external_id:
        kwargs["ExternalId"] = spec.external_id
    try:
        assumed = sts.assume_role(**kwargs)
    except (ClientError, BotoCoreError) as exc:
        where = unreachable(exc, config)
        if where:
            raise CollectError(f"{where} (sts:AssumeRole of {spec.role_arn})") from exc
        raise CollectError(f"cannot assume role {spec.role_arn}: {exc}") from exc
    creds = assumed["Credentials"]
    core = botocore.session.get_session()
    core.register_component("data_loader", botocore_data.shared_loader())
    session = boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        botocore_session=core,
    )
    role_user = str(assumed.get("AssumedRoleUser", {}).get("Arn", ""))  # arn:aws:sts::ACCOUNT:...
    if role_user.count(":") >= 5 and role_user.split(":")[4].isdigit():
        _ASSUMED_ACCOUNT[session] = role_user.split(":")[4]
    return session


#: The account each assumed-role session is in, as sts:AssumeRole answered it.
_ASSUMED_ACCOUNT: weakref.WeakKeyDictionary[boto3.Session, str] = weakref.WeakKeyDictionary()


def assumed_account(session: boto3.Session) -> str | None:
    """The account of an assumed-role ``session`` of :func:`open_session` (from
    AssumeRole's ``AssumedRoleUser``: no sts:GetCallerIdentity needed), else None."""
    return _ASSUMED_ACCOUNT.get(session)


#: The STS client an organisation's roles are assumed with, per base session and endpoint.
_ASSUMERS: weakref.WeakKeyDictionary[boto3.Session, dict[str | None, Any]] = (
    weakref.WeakKeyDictionary()
)


def _assume_role_client(base: boto3.Session, endpoint_url: str | None, config: Config) -> Any:
    """``base``'s STS client for ``endpoint_url``, made once with ``config`` (clients
    are thread-safe; sessions are not, hence the lock)."""
    with _SHARED_SESSION:
        made = _ASSUMERS.setdefault(base, {})
        if endpoint_url not in made:
            made[endpoint_url] = base.client("sts", endpoint_url=endpoint_url, config=config)
        return made[endpoint_url]


def account_id(account: AccountSession, region: str) -> str:
    """The account of ``account``'s credentials: the collection's first call, made with
    short timeouts and no retry, so a dead or wrong endpoint is one line naming it and
    why within seconds (``cannot reach URL: connection refused``), not minutes later."""
    config = first_call_config(account.config)
    try:
        identity = account.client("sts", region, config=config).get_caller_identity()
    except (ClientError, BotoCoreError) as exc:
        where = unreachable(exc, config)
        if where:
            raise CollectError(f"{where} (sts:GetCallerIdentity, the first call)") from exc
        raise CollectError(
            f"cannot identify the AWS account (sts:GetCallerIdentity): {exc}"
        ) from exc
    return str(identity["Account"])

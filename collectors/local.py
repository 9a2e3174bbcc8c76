"""AWS SDK settings of this machine: shared config profiles and a few environment variables.

No AWS call is made. What is read, and what never is:

* the shared config file (``clients.options["aws_config_file"]``, else
  ``AWS_CONFIG_FILE``, else ``~/.aws/config``): only the keys in ``CONFIG_KEYS`` of
  each profile section. The file is parsed with ``configparser`` (as botocore does) and
  every other value, including any ``aws_secret_access_key`` a config file may hold,
  is dropped with the parser;
* the shared credentials file (``clients.options["aws_credentials_file"]``, else
  ``AWS_SHARED_CREDENTIALS_FILE``, else ``~/.aws/credentials``): section *names* only.
  The file is scanned line by line for ``[name]`` headers and no other line is kept, so
  keys, secrets and session tokens never reach a result;
* environment variables in ``ENVIRONMENT`` only (``clients.options["local_environment"]``,
  a mapping, replaces ``os.environ``: the demo and tests use it).

Items:

``profile`` (id ``Name``)
    ``Name``; ``Source``: ``config`` (a ``[default]`` or ``[profile NAME]`` section of the
    config file), ``credentials`` (only in the credentials file) or ``implicit`` (the
    ``default`` profile that botocore uses when no file defines it, listed so that an
    environment setting is judged even on a machine without files);
    ``sts_regional_endpoints``: the *effective* value, see below (null when unset);
    ``FileValue``: the value the config file gives the profile itself; ``SetIn``: where
    the effective value comes from (the config file's path, ``environment``, or null);
    ``region``, ``source_profile``, ``role_arn`` as the config file gives them.

``environment`` (id ``Id``)
    One item ``{Id: "environment", AWS_STS_REGIONAL_ENDPOINTS, AWS_REGION,
    AWS_DEFAULT_REGION}`` (null for a variable that is not set).

The effective ``sts_regional_endpoints`` follows botocore (checked against botocore
1.44, ``configprovider`` and ``credentials``):

1. ``AWS_STS_REGIONAL_ENDPOINTS`` in the environment wins over every profile (an empty
   variable still wins, and means "unset");
2. else the profile's own ``sts_regional_endpoints`` in the config file;
3. else null: the SDK's default applies. botocore 1.44 (and recent boto3) default to
   ``regional``; the AWS CLI v1 and older SDKs default to ``legacy``. The snapshot
   keeps null and the rule decides (STS-001's ``unset_means`` parameter).

It is NOT inherited through ``source_profile``: botocore makes the AssumeRole call of a
role profile with an STS client configured from the profile that was *selected* (the
one with ``role_arn``), never from its ``source_profile``, and that is true of every hop
of a role chain. So a role profile whose source profile says ``legacy`` is itself
unset (and judged as such), while the source profile is judged on its own value.

Not read: ``sts_regional_endpoints`` written in the credentials file (botocore would
honour it, but only names are read from that file), and ``[sso-session]``/``[services]``
sections. Both files are read through ``regionready.inputfile`` (a regular file of at
most ``REGIONREADY_MAX_MATERIAL_BYTES``, 1 MiB by default). A file that cannot be read
(a FIFO, a device, a directory, a dangling symlink or a symlink loop, one over the limit,
not UTF-8) or parsed is recorded as an error against ``profile`` naming the path (rules
over profiles then give ERROR); a missing file is simply absent.
"""

from __future__ import annotations

import configparser
import io
import os
import re
import shlex
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from regionready import inputfile
from regionready.collect.clients import Clients
from regionready.snapshot import CollectionError

SERVICE = "local"
GLOBAL = False
LOCAL = True
RESOURCE_TYPES = {"profile": "Name", "environment": "Id"}
PERMISSIONS: tuple[str, ...] = ()
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}

CONFIG_KEYS = ("sts_regional_endpoints", "region", "source_profile", "role_arn")
ENVIRONMENT = ("AWS_STS_REGIONAL_ENDPOINTS", "AWS_REGION", "AWS_DEFAULT_REGION")
STS_ENV = "AWS_STS_REGIONAL_ENDPOINTS"
DEFAULT_CONFIG = "~/.aws/config"
DEFAULT_CREDENTIALS = "~/.aws/credentials"
_HEADER_RE = re.compile(r"\[(?P<name>.+)\]")


class LocalReadError(Exception):
    """A settings file exists but cannot be read or parsed."""


def _path(option: Any, env_name: str, default: str, environ: Mapping[str, str]) -> Path:
    text = str(option) if option else environ.get(env_name) or default
    return Path(os.path.expanduser(os.path.expandvars(text)))


def _profile_name(section: str) -> str | None:
    """``default`` and ``profile NAME`` are profiles; other sections are not (botocore)."""
    if section == "default":
        return "default"
    if not section.startswith("profile"):
        return None
    try:
        parts = shlex.split(section)
    except ValueError:
        return None
    return parts[1] if len(parts) == 2 and parts[0] == "profile" else None


def _read(path: Path) -> str | None:
    """The text of a settings file, None when there is none (no file, no symlink).

    Through :mod:`regionready.inputfile` (kind ``material``): anything else at that path
    (a FIFO, a device, a directory, a dangling link, a symlink loop, a file over the
    limit, bytes that are not UTF-8) is a LocalReadError naming the path, never a hang.
    ``/dev/null`` is the documented way to say "no such file" (``AWS_CONFIG_FILE=/dev/null``)
    and reads as empty.
    """
    if not os.path.lexists(path):
        return None
    if os.path.realpath(path) == os.devnull:
        return ""
    try:
        return inputfile.read_text(path, "material")
    except inputfile.InputFileError as exc:
        raise LocalReadError(str(exc)[:300]) from None


def read_config(path: Path) -> dict[str, dict[str, str]]:
    """Profile name -> the ``CONFIG_KEYS`` it sets (nothing else leaves this function)."""
    text = _read(path)
    if text is None:
        return {}
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error as exc:
        raise LocalReadError(f"{path}: {type(exc).__name__}: {exc}"[:300]) from None
    profiles: dict[str, dict[str, str]] = {}
    for section in parser.sections():
        name = _profile_name(section)
        if name is None:
            continue
        kept = profiles.setdefault(name, {})
        for key in CONFIG_KEYS:
            if parser.has_option(section, key):
                kept[key] = parser.get(section, key).strip()
    return profiles


def _header_names(lines: Iterator[str]) -> Iterator[str]:
    for line in lines:
        if line[:1].isspace():
            continue  # a continuation line: a value, never a header
        match = _HEADER_RE.match(line.strip())
        if match:
            yield match.group("name").strip()


def read_credential_profile_names(path: Path) -> list[str]:
    """The section names of a credentials file; no other line is ever kept."""
    text = _read(path)
    if text is None:
        return []
    lines = io.StringIO(text, newline=None)  # one line at a time, as a file is read
    del text
    return list(dict.fromkeys(_header_names(iter(lines))))


def _effective(
    settings: dict[str, str], environ: Mapping[str, str], config_path: Path
) -> tuple[str | None, str | None]:
    """(value, where it was set) for a profile: the environment, then its own setting."""
    if STS_ENV in environ:
        return (environ[STS_ENV].strip() or None), "environment"
    own = settings.get("sts_regional_endpoints") or None
    return own, (str(config_path) if own is not None else None)


def profile_items(
    config: dict[str, dict[str, str]],
    credential_names: list[str],
    environ: Mapping[str, str],
    config_path: Path,
) -> list[dict[str, Any]]:
    names = list(config) + [n for n in credential_names if n not in config]
    if "default" not in names:
        names.append("default")
    items = []
    for name in names:
        settings = config.get(name, {})
        source = "config" if name in config else "credentials"
        if name not in config and name not in credential_names:
            source = "implicit"
        value, set_in = _effective(settings, environ, config_path)
        items.append(
            {
                "Name": name,
                "Source": source,
                "sts_regional_endpoints": value,
                "FileValue": settings.get("sts_regional_endpoints") or None,
                "SetIn": set_in,
                "region": settings.get("region") or None,
                "source_profile": settings.get("source_profile") or None,
                "role_arn": settings.get("role_arn") or None,
            }
        )
    return items


def _error(api: str, exc: Exception, types: list[str]) -> CollectionError:
    return CollectionError(
        api=api,
        code=type(exc).__name__,
        message=str(exc)[:300],
        action="local:ReadFile",
        resource_types=types,
    )


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    given = clients.options.get("local_environment")
    environ: Mapping[str, str] = given if isinstance(given, Mapping) else os.environ
    config_path = _path(
        clients.options.get("aws_config_file"), "AWS_CONFIG_FILE", DEFAULT_CONFIG, environ
    )
    credentials_path = _path(
        clients.options.get("aws_credentials_file"),
        "AWS_SHARED_CREDENTIALS_FILE",
        DEFAULT_CREDENTIALS,
        environ,
    )
    try:
        config = read_config(config_path)
    except LocalReadError as exc:
        clients.errors.append(_error("local:ReadConfigFile", exc, ["profile"]))
        config = {}
    try:
        names = read_credential_profile_names(credentials_path)
    except LocalReadError as exc:
        clients.errors.append(_error("local:ReadCredentialsFile", exc, ["profile"]))
        names = []
    environment = {"Id": "environment", **{k: environ.get(k) for k in ENVIRONMENT}}
    return {
        "profile": profile_items(config, names, environ, config_path),
        "environment": [environment],
    }

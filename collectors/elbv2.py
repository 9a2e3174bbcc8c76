"""Elastic Load Balancing (v2) listener certificates of one Region.

What the ACM checks need to know which certificates a load balancer serves, besides
ACM's own ``InUseBy``.

Items (AWS field names, as the APIs return them):

``listener_certificate`` (id ``Id``, synthesized)
    One per certificate of an HTTPS or TLS listener: each DescribeListenerCertificates
    entry (CertificateArn, IsDefault) plus ``ListenerArn``, ``LoadBalancerArn``,
    ``Protocol`` and ``Port`` of its listener (DescribeListeners). ``Id`` is
    ``<ListenerArn>|<CertificateArn>``: a certificate is listed once per listener.

DescribeListenerCertificates returns the default certificate (IsDefault true) and the
additional ones; if it fails for a listener the error is recorded and the listener's
default certificate (from DescribeListeners) stands in, so references are not lost.
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "elbv2"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {"listener_certificate": "Id"}
PERMISSIONS = (
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeListenerCertificates",
)
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}
SECURE_PROTOCOLS = ("HTTPS", "TLS")
FEEDS = ["listener_certificate"]


def _item(listener: dict[str, Any], certificate: dict[str, Any]) -> dict[str, Any]:
    item = dict(certificate)
    item["ListenerArn"] = listener["ListenerArn"]
    item["LoadBalancerArn"] = listener.get("LoadBalancerArn")
    item["Protocol"] = listener.get("Protocol")
    item["Port"] = listener.get("Port")
    item["Id"] = f"{listener['ListenerArn']}|{certificate.get('CertificateArn')}"
    return item


def _listener_certificates(clients: Clients, listener: dict[str, Any]) -> list[dict[str, Any]]:
    found = clients.paginate(
        "elbv2",
        "describe_listener_certificates",
        "Certificates",
        feeds=FEEDS,
        ListenerArn=listener["ListenerArn"],
    )
    if found is None:  # recorded; keep the default certificate DescribeListeners gave
        found = [dict(c, IsDefault=True) for c in listener.get("Certificates") or []]
    return [_item(listener, c) for c in found if c.get("CertificateArn")]


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    balancers = clients.paginate("elbv2", "describe_load_balancers", "LoadBalancers", feeds=FEEDS)

    def one(balancer: dict[str, Any]) -> list[dict[str, Any]]:
        listeners = clients.paginate(
            "elbv2",
            "describe_listeners",
            "Listeners",
            feeds=FEEDS,
            LoadBalancerArn=balancer["LoadBalancerArn"],
        )
        secure = [x for x in listeners or [] if x.get("Protocol") in SECURE_PROTOCOLS]
        found = clients.map(lambda listener: _listener_certificates(clients, listener), secure)
        return [item for items in found for item in items]

    per_balancer = clients.map(one, balancers or [])
    return {"listener_certificate": [item for items in per_balancer for item in items]}

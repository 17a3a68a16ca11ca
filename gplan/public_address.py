"""The address people reach gplan at, for links that leave the browser (mail, calendar feeds).

BASE_URL wins. Otherwise ``flask serve`` sets it to the address it was started on, so the
links of a demo on port 5077 lead to port 5077, in requests and in the scheduler's mail alike.
Under another server (gunicorn) a request gives the address it was bound to — never the
client's Host header, which anyone can forge to turn a password-reset link into a trap —
or, behind a trusted proxy (PROXY_FIX), the public address the proxy forwards.
"""

from __future__ import annotations

import ipaddress
import socket

from flask import current_app, has_request_context, request

DEFAULT = "http://127.0.0.1:5000"


def _every_interface(host: str) -> bool:
    """True for the wildcard addresses (IPv4 or IPv6) a server listening everywhere gives."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return host == ""


def started_address(host: str, port: int) -> str:
    """The address of a server started on ``host``:``port``; a wildcard host (all interfaces)
    becomes the machine's name, which others on the network can reach."""
    if _every_interface(host):
        host = socket.gethostname()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _request_address() -> str:
    if current_app.config.get("PROXY_FIX"):
        return request.host_url.rstrip("/")
    environ = request.environ
    host, port = environ.get("SERVER_NAME", ""), environ.get("SERVER_PORT", "")
    if _every_interface(host) or not port:
        return DEFAULT
    default_port = {"http": "80", "https": "443"}.get(request.scheme)
    return f"{request.scheme}://{host}" + ("" if port == default_port else f":{port}")


def public_base() -> str:
    """The scheme, host and port that outgoing links start with (no trailing slash)."""
    configured = current_app.config.get("BASE_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return _request_address()
    return DEFAULT


def external_url(endpoint: str, **values) -> str:
    """An absolute link to ``endpoint``, built with or without a request (the scheduler has none)."""
    adapter = current_app.url_map.bind("localhost")
    return public_base() + adapter.build(endpoint, values)

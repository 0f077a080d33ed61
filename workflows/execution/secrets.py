"""Secrets never live in naspe's configuration files: finding keys and values that look like one.

A key naming a secret (``password``, ``token``, ``api_key``, ...; ``password_env``
is allowed, it names an environment variable) or a value that looks like one
(a URI with a password, a private key, ``token=...``, a known access-token
format) is refused with its location and :data:`SECRET_HINT`.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["SECRET_HINT", "scan_secrets", "drop_entry", "deep_copy"]

# Keys naming a secret (matched on "_"/"-"/"." separated words, case-insensitive). ``password_env`` is allowed.
SECRET_KEY_RE = re.compile(
    r"(^|[_\-.])(password|passwd|passphrase|pwd|secret|token|api_?key|private_?key|credentials?)($|[_\-.])",
    re.IGNORECASE,
)
SECRET_VALUE_RES = (
    (re.compile(r"[a-z][a-z0-9+.\-]*://[^/\s:@]+:[^/\s@]+@", re.IGNORECASE), "a URI with an embedded password"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
    (
        re.compile(r"\b\w*(password|passwd|secret|token|api_?key)\w*\s*=\s*[^$\s'\"]\S*", re.IGNORECASE),
        "a password/token assignment",
    ),
    (re.compile(r"\b(ghp_[A-Za-z0-9]{30,}|AKIA[0-9A-Z]{16}|xox[abposr]-[A-Za-z0-9-]{10,})\b"), "an access token"),
)
SECRET_HINT = (
    "secrets are never stored in naspe config files; keep the secret in an environment variable "
    "and give its name (store.password_env for the MongoDB password)"
)


def scan_secrets(data: Any, loc: tuple = ()) -> list[tuple[tuple, str]]:
    """``(location, reason)`` of every key or string value in ``data`` that looks like a secret."""
    found: list[tuple[tuple, str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            here = (*loc, key)
            if isinstance(key, str) and key != "password_env" and SECRET_KEY_RE.search(key):
                found.append((here, f"key {key!r} names a secret; {SECRET_HINT}"))
            else:
                found.extend(scan_secrets(value, here))
    elif isinstance(data, (list, tuple)):
        for i, value in enumerate(data):
            found.extend(scan_secrets(value, (*loc, i)))
    elif isinstance(data, str):
        for pattern, what in SECRET_VALUE_RES:
            if pattern.search(data):
                found.append((loc, f"value looks like {what}; {SECRET_HINT}"))
                break
    return found


def drop_entry(data: Any, loc: tuple) -> None:
    """Remove the entry at ``loc`` from nested dicts/lists ``data`` (in place)."""
    *parents, last = loc
    node = data
    for part in parents:
        node = node[part]
    if isinstance(node, dict):
        node.pop(last, None)
    elif isinstance(node, list):
        node[last] = ""


def deep_copy(data: Any) -> Any:
    """A copy of nested dicts and lists ``data`` (leaves shared)."""
    if isinstance(data, dict):
        return {k: deep_copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [deep_copy(v) for v in data]
    return data

"""Secrets never live in naspe's configuration files, and are never echoed: finding and hiding them.

Used by the settings (``naspe.yaml``, :mod:`naspe.workflows.base.settings`) and the execution
configuration (``hpc_configs/*.yaml``, :mod:`naspe.workflows.execution.hpc_config`).

A key naming a secret (``password``, ``DB_PASS``, ``MONGO_PWD``, ``API_TOKEN``,
``AWS_SECRET_ACCESS_KEY``, ``ssh_key``, ``credentials``, ...; ``password_env`` is
allowed, it names an environment variable) or a value that looks like one (a URI
with a password, a private key, ``token=...``, a known access-token format) is
refused with its location and :data:`SECRET_HINT`, never with its value. The same
rule holds for the variables of ``environment:``.

An error message about a configuration never shows a value given under such a key
or looking like a secret, whatever the error (a wrong type, an unknown key next to
it, a value repeated elsewhere): :func:`redact` takes them out of any text, and the
pydantic models involved hide their input values from their own messages.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["SECRET_HINT", "is_secret_key", "scan_secrets", "secret_values", "redact", "drop_entry", "deep_copy"]

#: words of a key (split at ``_ - .``, spaces and camelCase) that name a secret
SECRET_WORDS = frozenset(
    {"pass", "passwd", "password", "passphrase", "pwd", "pw", "secret", "secrets", "token", "tokens", "key", "keys"}
    | {"apikey", "auth", "credential", "credentials", "cookie", "privatekey", "accesskey", "secretkey", "authtoken"}
)
#: parts naming a secret inside a word too (``PGPASSWORD``, ``clientsecret``); ``token`` is not one of
#: them, so that ``TOKENIZERS_PARALLELISM`` stays a setting
SECRET_PARTS = ("password", "passwd", "passphrase", "secret", "credential", "apikey", "privatekey", "authtoken")
#: keys that name where a secret is, not the secret
ALLOWED_KEYS = frozenset({"password_env"})
_WORD_RE = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def is_secret_key(key: str) -> bool:
    """Whether the key ``key`` names a secret (see :data:`SECRET_WORDS` and :data:`SECRET_PARTS`)."""
    if key in ALLOWED_KEYS:
        return False
    lowered = key.lower()
    words = {w.lower() for part in re.split(r"[_\-.\s]+", key) for w in _WORD_RE.findall(part)}
    words |= {w for w in re.split(r"[_\-.\s]+", lowered) if w}
    return bool(words & SECRET_WORDS) or any(part in lowered for part in SECRET_PARTS)


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
            if isinstance(key, str) and is_secret_key(key):
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


def _leaves(data: Any) -> list[str]:
    if isinstance(data, dict):
        return [leaf for value in data.values() for leaf in _leaves(value)]
    if isinstance(data, (list, tuple)):
        return [leaf for value in data for leaf in _leaves(value)]
    return [] if data is None or isinstance(data, bool) else [str(data)]


def secret_values(data: Any) -> set[str]:
    """Every value in ``data`` given under a key naming a secret, or looking like one (as text)."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and is_secret_key(key):
                found.update(_leaves(value))
            else:
                found |= secret_values(value)
    elif isinstance(data, (list, tuple)):
        for value in data:
            found |= secret_values(value)
    elif isinstance(data, str) and any(pattern.search(data) for pattern, _ in SECRET_VALUE_RES):
        found.add(data)
    return {v for v in found if v.strip()}


def redact(text: str, secrets: set[str] | Any) -> str:
    """``text`` without any of ``secrets`` (a set of values, or data to find them in with :func:`secret_values`).

    A value is replaced by ``<hidden>`` where it appears quoted (``'hunter2'``, as messages
    quote values) and, from four characters on, anywhere.
    """
    values = secrets if isinstance(secrets, set) else secret_values(secrets)
    for value in sorted(values, key=len, reverse=True):
        for quoted in (repr(value), f'"{value}"', f"'{value}'"):
            text = text.replace(quoted, "<hidden>")
        if len(value) >= 4:
            text = text.replace(value, "<hidden>")
    return text


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

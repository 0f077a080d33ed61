"""YAML read as a person writes it: ``2e4`` and ``1e-3`` are numbers.

PyYAML follows YAML 1.1, whose float pattern needs a dot and a signed exponent
(``2.0e+4``): ``production_budget_ps: 2e4`` would arrive as the string ``"2e4"`` and be
refused as "not a number". YAML 1.2 (and every other reader a user knows: Python, JSON)
takes it as 20000.0. :func:`load_yaml` is PyYAML's safe loader with the YAML 1.2 float rule,
used for every file naspe reads from a user (campaign settings, presets, execution configs).

Examples
--------
>>> load_yaml("{production_budget_ps: 2e4, seed: 7, name: 1e3x}")
{'production_budget_ps': 20000.0, 'seed': 7, 'name': '1e3x'}
"""

from __future__ import annotations

import re
from typing import Any

import yaml

__all__ = ["load_yaml"]

#: YAML 1.2 core-schema floats (plus PyYAML's .inf/.nan spellings)
_FLOAT = re.compile(
    r"""^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)


class _Loader(yaml.SafeLoader):
    """Safe loader whose implicit floats follow YAML 1.2 (``2e4`` is a float)."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:float"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))


def load_yaml(text: str) -> Any:
    """Parse ``text`` with the safe loader and YAML 1.2 floats; raises ``yaml.YAMLError`` on bad YAML."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass

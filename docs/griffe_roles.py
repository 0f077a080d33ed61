"""A griffe extension for the API pages: Sphinx roles in naspe's docstrings become cross-references.

``:class:`~naspe.x.Y``` renders as a link to ``naspe.x.Y`` titled ``Y`` (``~``: the last
name only), ``:mod:``, ``:func:``, ``:meth:``, ``:data:`` and ``:attr:`` alike; the docstrings
stay readable in a terminal and in ``help()``.
"""

from __future__ import annotations

import re

import griffe

_ROLE = re.compile(r":(?:class|mod|func|meth|data|attr|obj|exc):`(~?)([\w.]+)`")


def _link(match: re.Match) -> str:
    short, path = match.group(1), match.group(2)
    title = path.rsplit(".", 1)[-1] if short else path
    if not path.startswith("naspe."):  # outside the API pages: plain code
        return f"`{title}`"
    return f"[`{title}`][{path}]"


class SphinxRoles(griffe.Extension):
    """Rewrite the roles of every docstring griffe loads."""

    def on_instance(self, *, obj: griffe.Object, **kwargs) -> None:  # noqa: D102
        if obj.docstring is not None:
            obj.docstring.value = _ROLE.sub(_link, obj.docstring.value)

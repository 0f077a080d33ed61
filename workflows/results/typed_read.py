"""The typed store reader: the latest documents of a class, validated as that class, with their jobs.

``read(store, TransportResult)`` gives one :class:`Stored` per job whose output is a
``TransportResult`` (jobflow stores the output's class name in ``output.@class``); of a
job that was replaced (several indices), only the highest index counts, oldest completion
first (:func:`~naspe.workflows.results.store_reader.latest`, which answers from the query
index when the store has one). Each carries the document as its class (``doc``) and the
job's ``uuid``, ``index``, ``name``, ``completed_at`` and ``metadata``; the result tables
read the documents' fields, never the stored dicts.

A stored structure is read as its sites' elements
-------------------------------------------------
A field typed as a pymatgen structure (``Structure``, ``Molecule``) is read as a
:class:`StructureSites`: the elements on each site, in site order, without lattice or
coordinates. That is what the query index keeps of an adhesion document's relaxed
interface (:data:`~naspe.workflows.execution.query_index.REDUCED`) and all any table reads;
building the pymatgen object would cost about 10 ms per structure of 40 atoms (minutes for a
campaign's documents). The document is then an instance of a subclass of its class (the
same fields, the structures retyped), so ``isinstance(stored.doc, AdhesionDocument)`` holds.
Code that needs a whole structure validates the stored output itself
(:func:`~naspe.workflows.results.store_reader.newest_by_uuid`).

A document that is not valid is left out
----------------------------------------
A stored output that does not validate as its class (written by an older naspe whose
document lacked a field that is now required, or changed its type) is left out of the
answer with a logged warning naming its job uuid and index and the first field at fault:
a table shows the documents it can read and never stops at one it cannot. Moved classes
need no migration here (:mod:`naspe.workflows.execution.old_runs` rewrites their
``@module`` for decoding; validation reads the fields only), and fields added since have
defaults (an old document reads as convergence unknown, purpose unknown), so documents of
earlier versions validate.
"""

from __future__ import annotations

import functools
import json
import logging
import types
import typing
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field, ValidationError, create_model, model_validator

from naspe.workflows.execution.query_index import gc_paused
from naspe.workflows.results.store_reader import META_KEYS, equal, latest

__all__ = ["Stored", "StructureSites", "read", "reading_model"]

_log = logging.getLogger(__name__)

D = TypeVar("D", bound=BaseModel)


class StructureSites(BaseModel):
    """A stored structure as the tables read it: the elements on each site, in site order (no lattice, no positions).

    Validates from a stored pymatgen ``Structure`` / ``Molecule`` (``as_dict()``) and from
    the query index's reduced form of one (``{"sites": [["C"], ["O"], ...]}``; index files written
    before it: ``{"sites": [{"species": [{"element": ...}]}]}``).
    Each site is a tuple of its species' elements (one for an ordered site): tuples of text, which
    the garbage collector does not follow (thousands of documents read at once stay cheap).
    """

    sites: tuple[tuple[str, ...], ...] = Field(
        default=(), description="The elements on each site (one per species), in the order of the structure"
    )

    @model_validator(mode="before")
    @classmethod
    def _from_stored(cls, value: Any) -> Any:
        """The elements of each site of a stored structure's ``sites`` (a species without an element: left out)."""
        if not isinstance(value, dict) or not isinstance(value.get("sites"), list):
            return value
        if all(type(site) is list and (not site or type(site[0]) is str) for site in value["sites"]):
            return {"sites": tuple(map(tuple, value["sites"]))}  # each site its elements: the query index's form
        sites = []
        for site in value["sites"]:
            species = site.get("species", []) if isinstance(site, dict) else site
            if species and isinstance(species[0], str):  # elements already: a StructureSites as JSON
                sites.append(tuple(species))
                continue
            sites.append(tuple(sp["element"] for sp in species if isinstance(sp, dict) and "element" in sp))
        return {"sites": tuple(sites)}

    def elements(self, start: int = 0) -> list[str]:
        """Element of each species on each site from site ``start`` on (every site by default), in site order."""
        return [element for site in self.sites[start:] for element in site]

    def __len__(self) -> int:
        return len(self.sites)


@dataclass(frozen=True)
class Stored(Generic[D]):
    """A document of the store, validated as its class, with the job that made it.

    Attributes
    ----------
    doc
        The job's output as its document class (structures as :class:`StructureSites`; see the module).
    uuid, index, name
        The job's uuid, index (the highest of a replaced job) and name.
    completed_at
        When the job completed (ISO 8601 text as jobflow stores it), or None.
    metadata
        The job's metadata (campaign, preset, component, salt, system, ...: set when the job was made).
    """

    doc: D
    uuid: str
    index: int | None
    name: str | None
    completed_at: str | None
    metadata: dict[str, Any]

    def meta(self, key: str) -> Any:
        """The job's metadata ``key``, or None when the job has none."""
        return self.metadata.get(key)

    def row(self) -> dict[str, Any]:
        """The columns every table row starts with.

        Returns
        -------
        dict
            ``job_uuid``, ``job_index``, ``job_name``, ``completed_at``, the metadata keys
            :data:`~naspe.workflows.results.store_reader.META_KEYS` (None when the job has no such
            key) and ``metadata`` (all of it, as JSON with sorted keys).
        """
        row: dict[str, Any] = {
            "job_uuid": self.uuid,
            "job_index": self.index,
            "job_name": self.name,
            "completed_at": self.completed_at,
        }
        for key in META_KEYS:
            row[key] = self.metadata.get(key)
        row["metadata"] = json.dumps(self.metadata, sort_keys=True, default=str)
        return row


def _is_structure(annotation: Any) -> bool:
    """``annotation`` is a pymatgen site collection (Structure, Molecule, ...), checked without importing pymatgen."""
    mro = getattr(annotation, "__mro__", ())
    return any(c.__name__ == "SiteCollection" and c.__module__ == "pymatgen.core.structure" for c in mro)


def _as_read(annotation: Any) -> Any:
    """The type a field of ``annotation`` is read as: a structure (or an optional one) as StructureSites, else None."""
    if _is_structure(annotation):
        return StructureSites
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = typing.get_args(annotation)
        if any(_is_structure(a) for a in args) and all(_is_structure(a) or a is type(None) for a in args):
            return StructureSites | None
    return None


@functools.cache
def reading_model(doc_cls: type[D]) -> type[D]:
    """The model a stored ``doc_cls`` is validated as: ``doc_cls``, its structure fields read as StructureSites.

    ``doc_cls`` itself when it has no structure field; else a subclass of it of the same fields, each
    ``Structure`` (or ``Structure | None``) field typed :class:`StructureSites` (``| None``).
    """
    fields: dict[str, Any] = {}
    for name, info in doc_cls.model_fields.items():
        read_as = _as_read(info.annotation)
        if read_as is not None:
            default = ... if info.is_required() else info.default
            fields[name] = (read_as, Field(default, description=info.description))
    if not fields:
        return doc_cls
    model = create_model(
        f"{doc_cls.__name__}AsRead",
        __base__=doc_cls,
        __module__=__name__,
        __doc__=f"{doc_cls.__name__} as the tables read it: structures as their sites' elements (StructureSites).",
        **fields,
    )
    return typing.cast("type[D]", model)


def _first_error(err: ValidationError) -> str:
    """'field.sub: message' of the first error of ``err`` (and how many more)."""
    errors = err.errors()
    first = errors[0]
    where = ".".join(str(p) for p in first["loc"]) or "the document"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}{more}"


def read(store, doc_cls: type[D], **filters: str | None) -> list[Stored[D]]:
    """The latest stored documents of class ``doc_cls``, validated, with their jobs, oldest completion first.

    Parameters
    ----------
    store
        A connected JobStore or a store opened for reading
        (:func:`~naspe.workflows.results.store_reader.as_store`).
    doc_cls
        The document class (a pydantic model); selected by its name, which jobflow stores in ``output.@class``.
    **filters
        Job metadata equal to a value (e.g. ``campaign="c1"``, ``preset="quick"``): case-insensitive;
        a job without the key matches no filter on it; a filter given as None is no filter.

    Returns
    -------
    list of Stored
        One per job (its highest index), ordered by completion time then uuid. A stored output
        that does not validate as ``doc_cls`` is left out with a logged warning naming the job's
        uuid (see the module).
    """
    model = reading_model(doc_cls)
    wanted = {k: v for k, v in filters.items() if v is not None}
    found: list[Stored[D]] = []
    jobs = latest(store, {"output.@class": doc_cls.__name__})
    with gc_paused():  # thousands of documents validated at once (see gc_paused)
        _validate_all(jobs, model, doc_cls, wanted, found)
    return found


def _validate_all(jobs: list[dict], model: type[D], doc_cls: type[D], wanted: dict[str, str], found: list) -> None:
    """Append to ``found`` a :class:`Stored` of each of ``jobs`` of ``wanted`` metadata whose output validates."""
    for job in jobs:
        metadata = job.get("metadata") or {}
        if not all(equal(metadata.get(key), value) for key, value in wanted.items()):
            continue
        output = job.get("output")
        try:
            if not isinstance(output, dict):
                raise TypeError(f"its output is a {type(output).__name__}, not one document")
            doc = model.model_validate(output)
        except (ValidationError, TypeError) as err:
            why = _first_error(err) if isinstance(err, ValidationError) else str(err)
            _log.warning(
                "left out job %s (index %s, %r): its output is not a valid %s (%s); stored by an older naspe?",
                job["uuid"],
                job.get("index"),
                job.get("name"),
                doc_cls.__name__,
                why,
            )
            continue
        found.append(
            Stored(
                doc=doc,
                uuid=job["uuid"],
                index=job.get("index"),
                name=job.get("name"),
                completed_at=job.get("completed_at"),
                metadata=metadata,
            )
        )

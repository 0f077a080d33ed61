"""Reference attribute checks against an output schema: the same answers as jobflow's, the schema built once."""

from __future__ import annotations

import pytest
from jobflow import job
from pydantic import BaseModel

import naspe.workflows.base.identity  # noqa: F401  (installs the cached check)


class _Inner(BaseModel):
    value: float = 0.0


class _Doc(BaseModel):
    energy: float = 0.0
    inner: _Inner = _Inner()


@job(output_schema=_Doc)
def _make_doc() -> _Doc:
    return _Doc()


def test_reference_attributes_are_checked_with_the_schema_built_once(monkeypatch):
    calls = []
    original = _Doc.model_json_schema.__func__

    def counted(cls, *args, **kwargs):
        calls.append(cls)
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(_Doc, "model_json_schema", classmethod(counted))
    for _ in range(3):
        ref = _make_doc().output
        assert ref.energy.attributes == (("a", "energy"),)
        assert ref.inner.output_schema is _Inner  # the nested model, as jobflow gives it
    assert calls.count(_Doc) <= 2  # energy and inner, once each
    with pytest.raises(AttributeError, match="does not have attribute 'nope'"):
        _ = _make_doc().output.nope
    with pytest.raises(AttributeError, match="does not have attribute 'nope'"):  # a failed check is not cached
        _ = _make_doc().output.nope

from __future__ import annotations

import numpy as np
import pytest
from ase.build import bcc110
from pymatgen.io.ase import AseAtomsAdaptor

from naspe.workflows.dft.chgnet import MISSING, ChgnetRelaxMaker, ChgnetStaticMaker, chgnet_available
from naspe.workflows.dft.progress import PROGRESS_FILE, read_progress
from naspe.workflows.execution.runner import run_flow

installed = pytest.mark.skipif(not chgnet_available(), reason="the optional 'mlip' extra (make mlip) is not installed")


def _na110_slab():
    slab = bcc110("Na", size=(2, 2, 3), a=4.23, vacuum=6.0)  # 12 Na
    slab.positions[-1, 2] += 0.2  # a top atom pushed out: the relaxation has work to do
    return AseAtomsAdaptor.get_structure(slab)


@pytest.mark.skipif(chgnet_available(), reason="the 'mlip' extra is installed")
def test_without_the_extra_a_structure_is_refused_in_one_line_before_any_calculation():
    with pytest.raises(ValueError, match=r"^CHGNet is not installed: `make mlip` adds the optional 'mlip' extra"):
        ChgnetRelaxMaker().prepare(_na110_slab())
    assert "\n" not in MISSING


@installed
@pytest.mark.slow
def test_chgnet_relaxes_a_na_slab_offline_with_progress(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # the weights come from the wheel, not a hub
    relax, single = ChgnetRelaxMaker(steps=5).make(_na110_slab()), ChgnetStaticMaker().make(_na110_slab())
    run = run_flow([relax, single], tmp_path)
    doc, point = run.output(relax), run.output(single)
    assert doc["engine"] == "chgnet" and doc["parameters"]["model"] == "CHGNet 0.3.0"
    energy, first = doc["output"]["energy"], point["output"]["energy"]
    assert -1.6 < energy / 12 < -1.0  # eV/atom near Na's PBE cohesive scale (Materials Project bcc Na: -1.31)
    assert energy < first  # the pushed-out atom came back down
    (path,) = [p for p in tmp_path.glob(f"jobs/{relax.uuid}_*/{PROGRESS_FILE}")]
    steps = read_progress(path)
    assert [s.step for s in steps] == list(range(len(steps))) and steps[0].fmax_eV_A > steps[-1].fmax_eV_A
    assert np.isfinite([s.energy_eV for s in steps]).all()

"""Work of adhesion of an interface you build yourself, stored in naspe's results database.

Here: an infinite PEO chain on epoxide-oxidised graphene (not in the study's
set), screened with GFN2-xTB, then queried back as a DataFrame. Swap
``TbliteAdhesionMaker`` for ``GpawAdhesionMaker`` for PBE-D3(BJ).

Usage::

    python examples/adhesion_custom_interface.py [--steps 20] [--data-dir naspe-data]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from naspe.structures.catalog import build_substrate
from naspe.structures.interfaces import chain_on_slab
from naspe.structures.topology import to_pymatgen
from naspe.workflows.dft.tblite import TbliteRelaxMaker
from naspe.workflows.execution.runner import run_flow
from naspe.workflows.execution.store import open_store
from naspe.workflows.flows.adhesion.makers import TbliteAdhesionMaker
from naspe.workflows.results import adhesion_table


def main() -> None:
    """Build, run (resumably) and print W_adh (J/m^2) with its job uuid."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20, help="relaxation steps")
    parser.add_argument("--data-dir", type=Path, default=Path("naspe-data"))
    args = parser.parse_args()

    slab = build_substrate("graphene-epoxide", repeat=(3, 2), vacuum=5.0)
    interface = chain_on_slab(slab, gap=2.8, vacuum=8.0, max_strain=0.05)
    area = interface.area_angstrom2
    print(f"interface: {len(interface.atoms)} atoms, strain {interface.strain:.3f}, area {area:.1f} Å^2")

    maker = TbliteAdhesionMaker(relax_maker=TbliteRelaxMaker(steps=args.steps, relax_kwargs={"fmax": 0.1}))
    flow = maker.make(to_pymatgen(interface.atoms), interface.n_substrate, interface.strain)
    for job in flow.jobs:
        job.update_metadata({"campaign": "examples", "system": "peo/graphene-epoxide", "component": "adhesion"})
    store = open_store(args.data_dir)
    run = run_flow(flow, args.data_dir / "examples" / "adhesion", store=store)
    if not run.finished:
        raise SystemExit(run.failure_message())
    print(f"ran {len(run.ran)} jobs, reused {len(run.reused)}")

    table = adhesion_table(store, campaign="examples", interface="peo/graphene-epoxide")
    row = table.iloc[0]
    print(f"W_adh = {row['w_adh_J_m2']:.3f} J/m^2 (job {row['job_uuid']}), interface bonds {row['interface_bonds']}")


if __name__ == "__main__":
    main()

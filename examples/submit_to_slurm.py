"""Submit a flow to a Slurm cluster through naspe's Parsl manager, and read the results back.

The flow here is naspe's probe (a job of each kind, reporting where it ran,
plus a dynamic fan-out); replace it with any jobflow Flow, e.g. an
``AdhesionStudyMaker().make()``. The execution configuration says which
partition, how many ranks, what to load (see ``hpc_configs/slurm.yaml``; check
it with ``naspe config check``). The driver here runs in the foreground; the
command-line equivalent is ``naspe submit --flow flow.json --config FILE --detach``.

Usage::

    python examples/submit_to_slurm.py --config hpc_configs/slurm.yaml [--data-dir naspe-data]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from naspe.workflows.execution.hpc_config import load_execution_config
from naspe.workflows.execution.probe_jobs import probe_flow
from naspe.workflows.execution.runs import create_run, run_driver
from naspe.workflows.execution.store import open_store


def main() -> None:
    """Submit the probe flow and print where each job ran."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, required=True, help="execution configuration (scheduler: slurm)")
    parser.add_argument("--data-dir", type=Path, default=Path("naspe-data"))
    args = parser.parse_args()

    config = load_execution_config(args.config)
    flow = probe_flow(("md", "dft", "analysis"))
    run = create_run(flow, config, args.data_dir)
    report = run_driver(run)
    store = open_store(args.data_dir, config.store)
    for job in flow.jobs[:3]:
        out = store.get_output(job.uuid)
        ranks = out["env"]["NASPE_DEFAULT_RANKS"]
        print(f"{job.name}: host {out['host']}, Slurm job {out['slurm_job_id']}, ranks {ranks}")
    print("finished" if report.finished else f"not finished: {report.failed}")


if __name__ == "__main__":
    main()

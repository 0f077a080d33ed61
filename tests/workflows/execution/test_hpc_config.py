from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from naspe.workflows.base.kinds import job_kind
from naspe.workflows.execution.hpc_config import (
    KINDS,
    ConfigError,
    ExecutionConfig,
    JobResources,
    StoreConfig,
    assign_remote_workers,
    load_execution_config,
)

ROOT = Path(__file__).resolve().parents[3]
CONFIGS = ROOT / "hpc_configs"
TEMPLATE = CONFIGS / "jobflow_remote" / "naspe.yaml"


def write(tmp_path, text: str, name: str = "cfg.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def tiny_structure():
    from pymatgen.core import Lattice, Structure

    return Structure(Lattice.cubic(12.0), ["Na", "Na"], [[0, 0, 0], [0.25, 0, 0]])


# -- ready configs and validation ------------------------------------------------
def test_hpc_configs_top_level_holds_the_three_ready_configs():
    assert sorted(p.name for p in CONFIGS.glob("*.yaml")) == ["local.yaml", "pbs.yaml", "slurm.yaml"]
    assert TEMPLATE.is_file() and (CONFIGS / "jobflow_remote" / "README.md").is_file()


@pytest.mark.parametrize("path", sorted(CONFIGS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_ready_config_validates(path):
    cfg = load_execution_config(path)
    assert cfg.scheduler == path.stem
    assert set(cfg.resources) == set(KINDS)
    for res in cfg.resources.values():
        assert res.walltime_s > 0 and res.ranks >= 1
    assert "{ranks}" in cfg.engines.mpi_command
    assert cfg.store.kind == "monty" and cfg.store.password_env is None


def test_defaults_are_local_with_all_kinds():
    cfg = load_execution_config(None)
    assert cfg.scheduler == "local" and cfg.store.kind == "monty" and cfg.max_retries == 1
    assert set(cfg.resources) == set(KINDS)
    assert cfg.resources["dft"] == JobResources()
    partial = ExecutionConfig(resources={"md": {"ranks": 8}})
    assert partial.resources["md"].ranks == 8 and partial.resources["analysis"].ranks == 1


def test_every_error_names_its_location(tmp_path):
    path = write(
        tmp_path,
        "scheduler: slurm\n"
        "resources:\n"
        "  dft:\n"
        "    walltime: 1h\n"
        "    cores: 4\n"
        "store:\n"
        "  kind: mongo\n"
        "  password: hunter2\n",
    )
    with pytest.raises(ConfigError) as info:
        load_execution_config(path)
    err = info.value
    assert isinstance(err, ValueError)
    locations = [loc for loc, _ in err.errors]
    assert sorted(locations) == ["resources.dft.cores", "resources.dft.walltime", "store.password"]
    messages = dict(err.errors)
    assert "HH:MM:SS" in messages["resources.dft.walltime"]
    assert "not permitted" in messages["resources.dft.cores"]
    assert "password_env" in messages["store.password"] and "hunter2" not in str(err)
    lines = str(err).splitlines()
    assert str(path) in lines[0] and "3 errors" in lines[0]
    assert "resources.dft.walltime: walltime '1h' is not HH:MM:SS (e.g. '02:30:00' or '48:00:00')" in lines


@pytest.mark.parametrize(
    ("text", "location"),
    [
        ("store:\n  kind: mongo\n  host: mongodb://naspe:s3cret@db.example.org\n", "store.host"),
        ("resources:\n  md:\n    environment:\n      MONGO_PASSWORD: abc\n", "resources.md.environment.MONGO_PASSWORD"),
        ("worker_init: |\n  export API_TOKEN=abcdef\n", "worker_init"),
        ("worker_init: '-----BEGIN OPENSSH PRIVATE KEY-----'\n", "worker_init"),
        ("store:\n  kind: mongo\n  password_env: 'hunter2!'\n", "store.password_env"),
        ("store:\n  kind: mongo\n  api_key: xyz\n", "store.api_key"),
    ],
)
def test_secrets_are_refused(tmp_path, text, location):
    with pytest.raises(ConfigError) as info:
        load_execution_config(write(tmp_path, text))
    assert [loc for loc, _ in info.value.errors] == [location]


def test_secret_refused_without_the_loader():
    with pytest.raises(ValueError, match="store.password"):
        ExecutionConfig(store={"kind": "mongo", "password": "x"})
    with pytest.raises(ValueError, match="password_env"):
        StoreConfig(kind="mongo", password="x")
    # reading a secret at run time from a file or a variable is fine
    ok = ExecutionConfig(worker_init="export MONGO_PASSWORD=$(cat ~/.mongo_pw)")
    assert "MONGO_PASSWORD" in ok.worker_init


@pytest.mark.parametrize(
    ("text", "location"),
    [
        ("scheduler: local\nresources:\n  md:\n    partition: compute\n", "resources.md.partition"),
        ("scheduler: local\nresources:\n  dft:\n    nodes: 2\n", "resources.dft.nodes"),
        ("scheduler: pbs\nresources:\n  dft:\n    qos: high\n", "resources.dft.qos"),
        (
            "scheduler: slurm\nresources:\n  md:\n    scheduler_options: '#PBS -l x=1'\n",
            "resources.md.scheduler_options",
        ),
        ("resources:\n  gpu: {}\n", "resources.gpu"),
        ("resources:\n  md:\n    environment:\n      OMP_NUM_THREADS: '4'\n", "resources.md.environment"),
        ("engines:\n  mpi_command: mpiexec -n 4\n", "engines.mpi_command"),
        ("store:\n  username: naspe\n", "store.username"),
        ("scheduler: sge\n", "scheduler"),
        ("max_retries: -1\n", "max_retries"),
    ],
)
def test_other_errors_and_their_locations(tmp_path, text, location):
    with pytest.raises(ConfigError) as info:
        load_execution_config(write(tmp_path, text))
    assert [loc for loc, _ in info.value.errors] == [location]


def test_missing_file_and_yaml_syntax_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="1 error"):
        load_execution_config(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match=r"line \d+, column \d+: YAML syntax error"):
        load_execution_config(write(tmp_path, "resources: [\n"))
    with pytest.raises(ConfigError, match=r"\(config\): expected a mapping"):
        load_execution_config(write(tmp_path, "- a\n- b\n"))


# -- environment for jobs ------------------------------------------------------------
def test_settings_env_is_what_naspe_settings_reads(tmp_path, monkeypatch):
    from naspe.workflows.base.settings import NaspeSettings

    cfg = load_execution_config(CONFIGS / "slurm.yaml")
    cfg.engines.vasp_command = "srun vasp_std"
    env = cfg.settings_env("dft")
    assert env["NASPE_DEFAULT_RANKS"] == "128" and env["OMP_NUM_THREADS"] == "1"
    assert env["NASPE_MPI_COMMAND"] == "srun --exact -n {ranks}"
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NASPE_CONFIG_FILE", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = NaspeSettings()
    assert settings.default_ranks == 128
    assert settings.mpi_launch() == ["srun", "--exact", "-n", "128"]
    assert settings.lammps_command == "lmp"
    assert settings.gpaw_mpi_backend == "mpi4py" and settings.vasp_command == "srun vasp_std"
    analysis = load_execution_config(CONFIGS / "local.yaml").settings_env("analysis")
    assert analysis["MPLBACKEND"] == "Agg" and "NASPE_VASP_COMMAND" not in analysis


# -- Parsl configuration ---------------------------------------------------------------
def test_local_parsl_config(tmp_path):
    from parsl.launchers import SimpleLauncher
    from parsl.providers import LocalProvider

    cfg = load_execution_config(CONFIGS / "local.yaml")
    pc = cfg.parsl_config(tmp_path / "runinfo")
    assert pc.retries == 0 and pc.run_dir == str(tmp_path / "runinfo")
    assert [ex.label for ex in pc.executors] == ["engines", "analysis"]  # MD and DFT: equal resources, one pool
    by_label = {ex.label: ex for ex in pc.executors}
    for label, ex in by_label.items():
        kinds = ["md", "dft"] if label == "engines" else [label]
        res = cfg.resources[kinds[0]]
        assert isinstance(ex.provider, LocalProvider) and isinstance(ex.provider.launcher, SimpleLauncher)
        workers = sum(cfg.resources[k].workers_per_block for k in kinds)
        assert ex.max_workers_per_node == workers
        assert f"export PARSL_CORES={res.ranks * res.threads * workers}" in ex.provider.worker_init
        assert ex.cores_per_worker == res.ranks * res.threads
        assert ex.provider.max_blocks == res.max_blocks and ex.provider.init_blocks == 0
    assert "export MPLBACKEND=Agg" in by_label["analysis"].provider.worker_init


def test_md_and_dft_share_a_local_pool_only_when_they_ask_for_the_same_resources():
    from naspe.workflows.execution.hpc_config import ExecutionConfig, local_defaults

    two = local_defaults(2)
    assert {label: res.workers_per_block for label, (_, res) in two.executors().items()} == {
        "engines": 2,
        "analysis": 1,
    }
    assert two.executor_label("md") == two.executor_label("dft") == "engines"
    assert two.executor_label("analysis") == "analysis"
    apart = ExecutionConfig(scheduler="local", resources={"md": {"ranks": 2}})  # a 2-rank MD job is not a DFT slot
    assert list(apart.executors()) == ["md", "dft", "analysis"] and apart.executor_label("md") == "md"
    slurm = load_execution_config(CONFIGS / "slurm.yaml")  # blocks on a cluster are requested per kind
    assert not slurm.shares_engine_pool() and list(slurm.executors()) == ["md", "dft", "analysis"]


def captured_execute_wait(calls: list[str], responses: dict[str, tuple[int, str, str]]):
    def execute_wait(self, cmd, timeout=None):
        calls.append(cmd)
        for prefix, answer in responses.items():
            if cmd.startswith(prefix):
                return answer
        return (1, "", f"{cmd.split()[0]}: not recorded")

    return execute_wait


def test_slurm_submit_script(tmp_path, monkeypatch):
    from parsl.jobs.states import JobState
    from parsl.launchers import SimpleLauncher
    from parsl.providers import SlurmProvider

    calls: list[str] = []
    monkeypatch.setattr(
        SlurmProvider,
        "execute_wait",
        captured_execute_wait(calls, {"sacct": (1, "", "disabled"), "sbatch": (0, "Submitted batch job 4242\n", "")}),
    )
    cfg = load_execution_config(CONFIGS / "slurm.yaml")
    pc = cfg.parsl_config(tmp_path / "runinfo")
    provider = {ex.label: ex.provider for ex in pc.executors}["dft"]
    assert isinstance(provider, SlurmProvider) and isinstance(provider.launcher, SimpleLauncher)
    assert provider.exclusive is False
    provider.script_dir = str(tmp_path)
    job_id = provider.submit("process_worker_pool.py --cores_per_worker 128", 1, "parsl.dft.block-0")
    assert job_id == "4242"
    assert provider.resources["4242"]["status"].state == JobState.PENDING
    sbatch = [c for c in calls if c.startswith("sbatch")]
    assert len(sbatch) == 1
    script = Path(sbatch[0].split()[-1]).read_text()
    sbatch_lines = [line.strip() for line in script.splitlines() if line.startswith("#SBATCH")]
    assert "#SBATCH --nodes=2" in sbatch_lines
    assert "#SBATCH --time=720" in sbatch_lines  # 12:00:00 in minutes
    assert "#SBATCH --partition=compute" in sbatch_lines
    assert "#SBATCH --mem=240g" in sbatch_lines
    assert "#SBATCH --exclusive" not in sbatch_lines and not any("--account" in s for s in sbatch_lines)
    # Parsl's template asks for 1 task per node; naspe's later line (sbatch: last one wins) asks for the MPI ranks
    per_node = [s for s in sbatch_lines if s.startswith("#SBATCH --ntasks-per-node=")]
    assert per_node[-1] == "#SBATCH --ntasks-per-node=64"
    assert "#SBATCH --cpus-per-task=1" in sbatch_lines
    body = script[script.index("module load") :]
    for line in (
        "module load gcc",
        "module load openmpi",
        "source $HOME/naspe/.venv/bin/activate",
        "export NASPE_DEFAULT_RANKS=128",
        "export NASPE_MPI_COMMAND='srun --exact -n {ranks}'",
        "export PARSL_CORES=128",
        "export SRUN_CPUS_PER_TASK=1",
        "process_worker_pool.py --cores_per_worker 128",
    ):
        assert line in body.splitlines(), line
    assert body.index("module load gcc") < body.index("source $HOME") < body.index("process_worker_pool.py")


def test_slurm_account_qos_and_extra_options(tmp_path, monkeypatch):
    from parsl.providers import SlurmProvider

    calls: list[str] = []
    monkeypatch.setattr(
        SlurmProvider,
        "execute_wait",
        captured_execute_wait(calls, {"sacct": (0, "", ""), "sbatch": (0, "Submitted batch job 77\n", "")}),
    )
    cfg = load_execution_config(CONFIGS / "slurm.yaml")
    cfg.resources["md"] = cfg.resources["md"].model_copy(
        update={"account": "abc123", "qos": "long", "scheduler_options": "#SBATCH --constraint=amd\n"}
    )
    provider = cfg.provider("md")
    provider.script_dir = str(tmp_path)
    assert provider.submit("worker", 1) == "77"
    script = Path([c for c in calls if c.startswith("sbatch")][0].split()[-1]).read_text()
    for line in ("#SBATCH --account=abc123", "#SBATCH --qos=long", "#SBATCH --constraint=amd", "#SBATCH --time=1440"):
        assert line in script.splitlines()
    assert re.findall(r"#SBATCH --ntasks-per-node=(\d+)", script)[-1] == "64"  # 32 ranks x 2 workers


def pbs_provider(tmp_path, calls, responses, kind="dft", **update):
    from parsl.providers import PBSProProvider

    cfg = load_execution_config(CONFIGS / "pbs.yaml")
    cfg.resources[kind] = cfg.resources[kind].model_copy(update=update)
    provider = {ex.label: ex.provider for ex in cfg.parsl_config(tmp_path / "runinfo").executors}[kind]
    assert isinstance(provider, PBSProProvider)
    provider.script_dir = str(tmp_path)
    provider.execute_wait = captured_execute_wait(calls, responses).__get__(provider)
    return provider


def test_pbs_submit_script(tmp_path):
    calls: list[str] = []
    provider = pbs_provider(tmp_path, calls, {"qsub": (0, "1234.pbsserver\n", "")}, account="chem123")
    job_id = provider.submit("process_worker_pool.py --cores_per_worker 96", 1, "parsl.dft.block-0")
    assert job_id == "1234.pbsserver"
    (qsub,) = [c for c in calls if c.startswith("qsub")]
    assert "-q workq" in qsub and "-A chem123" in qsub
    script = Path(qsub.split()[-1]).read_text()
    pbs_lines = [line.strip() for line in script.splitlines() if line.startswith("#PBS")]
    assert "#PBS -l walltime=12:00:00" in pbs_lines
    assert "#PBS -l select=2:ncpus=48:mpiprocs=48:ompthreads=1:mem=180gb" in pbs_lines
    assert "#PBS -q workq" in pbs_lines and "#PBS -A chem123" in pbs_lines
    assert "#PBS -l place=scatter:excl" in pbs_lines
    lines = script.splitlines()
    for line in (
        "module load gcc",
        "module load openmpi",
        "cd $PBS_O_WORKDIR",
        "source $HOME/naspe/.venv/bin/activate",
        "export NASPE_DEFAULT_RANKS=96",
        "export NASPE_MPI_COMMAND='mpiexec -n {ranks}'",
        "export PARSL_CORES=96",
        "process_worker_pool.py --cores_per_worker 96",
    ):
        assert line in lines, line
    assert "SRUN_CPUS_PER_TASK" not in script


def test_pbs_fractional_memory_and_threads(tmp_path):
    calls: list[str] = []
    provider = pbs_provider(tmp_path, calls, {"qsub": (0, "9.pbsserver\n", "")}, kind="analysis", memory_gb=1.5)
    provider.submit("worker", 1)
    script = Path([c for c in calls if c.startswith("qsub")][0].split()[-1]).read_text()
    assert "#PBS -l select=1:ncpus=16:mpiprocs=4:ompthreads=4:mem=1536mb" in script.splitlines()
    assert "#PBS -A" not in script  # no account configured


# recorded `qstat -x -f -F json` output (PBS Pro 2022), trimmed to the fields Parsl reads and a few more
QSTAT_JSON = """{
    "timestamp":1732540000,
    "pbs_version":"2022.1.1",
    "pbs_server":"pbsserver",
    "Jobs":{
        "1001.pbsserver":{
            "Job_Name":"parsl.dft.block-0.1732539000.1",
            "Job_Owner":"naspe@login01",
            "job_state":"R",
            "queue":"workq",
            "server":"pbsserver",
            "Resource_List":{"ncpus":96, "nodect":2, "select":"2:ncpus=48:mpiprocs=48:ompthreads=1:mem=180gb",
                             "walltime":"12:00:00"},
            "exec_host":"node001/0*48+node002/0*48",
            "stime":"Mon Nov 25 12:00:00 2024"
        },
        "1002.pbsserver":{
            "Job_Name":"parsl.md.block-0.1732539001.2",
            "job_state":"Q",
            "queue":"workq",
            "comment":"Not Running: Insufficient amount of resource: ncpus",
            "Resource_List":{"ncpus":48, "nodect":1, "walltime":"24:00:00"}
        },
        "1003.pbsserver":{
            "Job_Name":"parsl.analysis.block-0.1732539002.3",
            "job_state":"F",
            "queue":"workq",
            "Exit_status":0,
            "Resource_List":{"ncpus":16, "nodect":1, "walltime":"02:00:00"}
        }
    }
}
"""


def test_pbs_qstat_parsing(tmp_path):
    from parsl.jobs.states import JobState

    ids = iter(["1001.pbsserver\n", "1002.pbsserver\n", "1003.pbsserver\n", "1004.pbsserver\n"])
    calls: list[str] = []
    provider = pbs_provider(tmp_path, calls, {})

    def execute_wait(cmd, timeout=None):
        calls.append(cmd)
        if cmd.startswith("qsub"):
            return 0, next(ids), ""
        if cmd.startswith("qstat"):
            return 0, QSTAT_JSON, ""
        return 1, "", "unexpected"

    provider.execute_wait = execute_wait
    job_ids = [provider.submit("worker", 1, f"block-{i}") for i in range(4)]
    assert job_ids == ["1001.pbsserver", "1002.pbsserver", "1003.pbsserver", "1004.pbsserver"]
    states = [s.state for s in provider.status(job_ids)]
    qstat = calls[-1]
    assert qstat.startswith("qstat -x -f -F json") and all(j in qstat for j in job_ids)
    # R -> running, Q -> pending, F (finished) -> completed; a job qstat no longer lists is taken as completed
    assert states == [JobState.RUNNING, JobState.PENDING, JobState.COMPLETED, JobState.COMPLETED]
    assert provider.resources["1001.pbsserver"]["status"].stdout_path.endswith(".stdout")


def test_pbs_qstat_failure_keeps_states(tmp_path):
    from parsl.jobs.states import JobState

    calls: list[str] = []
    provider = pbs_provider(
        tmp_path, calls, {"qsub": (0, "5.pbsserver\n", ""), "qstat": (255, "", "qstat: cannot connect to server")}
    )
    job_id = provider.submit("worker", 1)
    assert [s.state for s in provider.status([job_id])] == [JobState.PENDING]


# -- job kinds -------------------------------------------------------------------------
def test_job_kinds():
    from jobflow import job

    from naspe.workflows.dft.gpaw import GpawRelaxMaker
    from naspe.workflows.dft.tblite import TbliteStaticMaker
    from naspe.workflows.flows.core_levels.makers import CoreLevelShiftMaker, core_hole_energy
    from naspe.workflows.md.jobs import LammpsStageMaker

    s = tiny_structure()
    assert job_kind(TbliteStaticMaker().make(s)) == "dft"
    assert job_kind(GpawRelaxMaker().make(s)) == "dft"
    assert job_kind(LammpsStageMaker().make("/tmp/prev")) == "md"
    assert job_kind(core_hole_energy(s, 0, CoreLevelShiftMaker())) == "dft"

    @job
    def summarize(x):
        return x

    plain = summarize(1)
    assert job_kind(plain) == "analysis"
    plain.metadata["naspe_kind"] = "md"
    assert job_kind(plain) == "md"
    other = summarize(2)
    other.config.manager_config["kind"] = "dft"
    assert job_kind(other) == "dft"
    other.config.manager_config["kind"] = "gpu"
    with pytest.raises(ValueError, match="gpu"):
        job_kind(other)


# -- jobflow-remote -------------------------------------------------------------------------
def test_flow_serialises_for_jobflow_remote():
    from jobflow import Flow
    from jobflow_remote.jobs.data import get_initial_job_doc_dict
    from monty.json import MontyDecoder, MontyEncoder, jsanitize

    from naspe.workflows.dft.tblite import TbliteStaticMaker
    from naspe.workflows.md.jobs import LammpsStageMaker

    s = tiny_structure()
    static = TbliteStaticMaker().make(s)
    md = LammpsStageMaker().make("/scratch/prev")
    flow = Flow([static, md], name="naspe remote test")  # two independent jobs
    assign_remote_workers(flow, {"md": "md", "dft": "dft", "analysis": "analysis"})
    assert static.config.manager_config["worker"] == "dft" and md.config.manager_config["worker"] == "md"

    text = json.dumps(jsanitize(flow.as_dict(), strict=True, allow_bson=False))
    back = MontyDecoder().process_decoded(json.loads(text))
    assert isinstance(back, Flow) and back.name == "naspe remote test"
    assert [j.uuid for j in back.jobs] == [static.uuid, md.uuid]
    assert [job_kind(j) for j in back.jobs] == ["dft", "md"]
    assert [j.config.manager_config["worker"] for j in back.jobs] == ["dft", "md"]
    assert back.jobs[0].maker.as_dict() == static.maker.as_dict()
    assert back.jobs[0].function_args[0] == s

    # the documents jobflow-remote's submit_flow inserts (built here without a database)
    docs = [get_initial_job_doc_dict(j, None, str(i), "analysis", None, None, 0) for i, j in enumerate(flow.jobs)]
    assert [d["worker"] for d in docs] == ["dft", "md"]
    stored = json.loads(json.dumps(docs, cls=MontyEncoder))
    job_back = MontyDecoder().process_decoded(stored[0]["job"])
    assert job_back.uuid == static.uuid and job_kind(job_back) == "dft"


def test_assign_remote_workers_rejects_unknown_kinds():
    from naspe.workflows.dft.tblite import TbliteStaticMaker

    with pytest.raises(ValueError, match="gpu"):
        assign_remote_workers(TbliteStaticMaker().make(tiny_structure()), {"gpu": "g"})


def test_jobflow_remote_project_template_loads(tmp_path):
    from jobflow_remote.config.base import Project, RemoteWorker
    from maggma.stores import MongoStore

    from naspe.workflows.base.secrets import scan_secrets

    data = yaml.safe_load(TEMPLATE.read_text())
    assert scan_secrets(data) == []  # no passwords, keys or tokens in the template
    data["base_dir"] = str(tmp_path)  # keep jobflow-remote away from ~/.jfremote
    project = Project.model_validate(data)
    assert project.name == "naspe"
    assert set(project.workers) == set(KINDS)
    for worker in project.workers.values():
        assert isinstance(worker, RemoteWorker) and worker.scheduler_type == "slurm"
        assert worker.password is None and worker.work_dir.is_absolute()
        assert "naspe/.venv/bin/activate" in worker.pre_run
    assert isinstance(project.get_queue_store(), MongoStore)  # built, not connected
    assert isinstance(project.get_jobstore().docs_store, MongoStore)


# -- store -------------------------------------------------------------------------------------
def test_store_config_opens_with_open_store(tmp_path, monkeypatch):
    from maggma.stores import MongoStore, MontyStore

    from naspe.workflows.execution.store import open_store

    store = open_store(tmp_path, StoreConfig())
    assert isinstance(store.docs_store, MontyStore) and (tmp_path / "store").is_dir()
    try:
        store.docs_store.update([{"uuid": "a", "index": 1, "output": {"energy": -1.5}}], key="uuid")
        assert store.docs_store.query_one({"uuid": "a"})["output"]["energy"] == -1.5
    finally:
        store.close()

    cfg = StoreConfig(kind="mongo", host="db.example.org", username="naspe", password_env="NASPE_TEST_MONGO_PW")
    monkeypatch.setenv("NASPE_TEST_MONGO_PW", "from-env")
    mongo = open_store(tmp_path, cfg, connect=False).docs_store
    assert isinstance(mongo, MongoStore) and mongo.host == "db.example.org" and mongo.password == "from-env"
    assert "from-env" not in cfg.model_dump_json()


# -- command line ------------------------------------------------------------------------------
def test_cli_config_check_and_show(tmp_path):
    from typer.testing import CliRunner

    from naspe.workflows.cli.main import app

    runner = CliRunner()
    ok = runner.invoke(app, ["config", "check", str(CONFIGS / "pbs.yaml")])
    assert ok.exit_code == 0, ok.output
    assert len(ok.stdout.strip().splitlines()) == 1 and ok.stdout.startswith("OK ")

    bad = write(tmp_path, "resources:\n  dft:\n    walltime: 1h\n    cores: 4\nstore:\n  password: x\n")
    res = runner.invoke(app, ["config", "check", str(bad)])
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert "3 errors" in lines[0]
    assert {line.split(":")[0] for line in lines[1:]} == {
        "resources.dft.walltime",
        "resources.dft.cores",
        "store.password",
    }

    shown = runner.invoke(app, ["config", "show", str(CONFIGS / "slurm.yaml")])
    assert shown.exit_code == 0, shown.output
    data = yaml.safe_load(shown.stdout)
    again = load_execution_config(write(tmp_path, yaml.safe_dump(data), "resolved.yaml"))
    assert again == load_execution_config(CONFIGS / "slurm.yaml")
    with_env = runner.invoke(app, ["config", "show", "--env", str(CONFIGS / "local.yaml")])
    assert yaml.safe_load(with_env.stdout)["derived"]["md"]["settings_env"]["NASPE_DEFAULT_RANKS"] == "4"


def test_vasp_command_reaches_atomate2_jobs():
    from naspe.workflows.execution.hpc_config import validate_execution_config

    env = validate_execution_config({"engines": {"vasp_command": "srun vasp_std"}}).settings_env("dft")
    assert env["NASPE_VASP_COMMAND"] == env["ATOMATE2_VASP_CMD"] == "srun vasp_std"


def test_local_defaults_spread_jobs_over_the_cores():
    from naspe.workflows.execution.hpc_config import local_defaults

    two = local_defaults(2)
    assert [two.resources[k].workers_per_block for k in ("md", "dft", "analysis")] == [1, 1, 1]
    eight = local_defaults(8)
    assert [eight.resources[k].workers_per_block for k in ("md", "dft", "analysis")] == [3, 3, 2]
    assert all(eight.resources[k].ranks == 1 for k in ("md", "dft", "analysis"))

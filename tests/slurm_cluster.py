"""A private one-node Slurm cluster for the tests, kept entirely in one directory.

Debian's ``slurm-wlm`` and ``munge`` run as a one-node cluster as root without systemd. Everything the
cluster needs lives in one directory, so it neither reads nor changes the host's ``/etc/slurm`` or
``/etc/munge`` and never touches a MUNGE daemon or Slurm cluster that was running before:

- its own ``munged`` (own key, socket, pid and log file; ``AuthInfo=socket=...`` points Slurm at it),
- ``slurm.conf`` for this host (short hostname, ``os.cpu_count()`` CPUs, ``/proc/meminfo`` less a margin),
  with controller and node ports chosen free at write time, so two clusters can run side by side,
- state, spool, pid and log files of ``slurmctld`` and ``slurmd``.

Slurm tools and daemons read the configuration named by ``SLURM_CONF``: use :attr:`SlurmCluster.env`
with ``sbatch``/``squeue``/``scontrol`` and for Parsl's ``SlurmProvider`` (which calls ``sbatch``
with the process environment, so set it in ``os.environ``).

Usable as a module (:func:`start_cluster`, :func:`stop_cluster`) and from the shell::

    python tests/slurm_cluster.py start DIR   # prints "export SLURM_CONF=DIR/slurm.conf"
    python tests/slurm_cluster.py stop DIR
    python tests/slurm_cluster.py status DIR

Time limits: Slurm keeps them in whole minutes (``--time=0:10`` is rounded up to one minute) and
``slurmctld`` checks them every 30 s, so a job over ``--time=1`` ends in state ``TIMEOUT`` 60-90 s
after it started (``OverTimeLimit=0``; ``KillWait`` below is the grace between SIGTERM and SIGKILL).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("naspe.tests.slurm_cluster")

#: Programs the cluster needs (Debian packages ``slurm-wlm`` and ``munge``).
REQUIRED_PROGRAMS = ("munged", "mungekey", "slurmctld", "slurmd", "sinfo", "sbatch", "squeue", "scontrol", "scancel")
DEFAULT_PARTITION = "debug"
#: Job states of a job that has not ended yet.
ACTIVE_STATES = frozenset({"PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING"})
#: Seconds between SIGTERM and SIGKILL when a job is cancelled or runs over its time limit.
KILL_WAIT = 5


@dataclass
class SlurmCluster:
    """A one-node Slurm cluster described by its ``slurm.conf``.

    Attributes
    ----------
    conf : Path
        The cluster's ``slurm.conf``; tools and daemons find it through ``SLURM_CONF``.
    partition : str
        Name of the (default) partition holding the node.
    host : str
        Node name (this host's short hostname).
    owned : bool
        True when this process started the daemons, so :meth:`stop` shuts them down.
    """

    conf: Path
    partition: str = DEFAULT_PARTITION
    host: str = field(default_factory=lambda: short_hostname())
    owned: bool = False

    @property
    def directory(self) -> Path:
        """Directory holding the configuration, state and logs."""
        return self.conf.parent

    @property
    def env(self) -> dict[str, str]:
        """Environment variables to add for Slurm commands and Parsl (``SLURM_CONF``)."""
        return {"SLURM_CONF": str(self.conf)}

    def run(self, *args: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """Run a Slurm command against this cluster.

        Parameters
        ----------
        *args : str
            Command and arguments, e.g. ``"squeue", "-h"``.
        check : bool
            Raise :class:`subprocess.CalledProcessError` on a non-zero exit.
        timeout : float
            Seconds before the command is killed.

        Returns
        -------
        subprocess.CompletedProcess
            With text ``stdout`` and ``stderr``.
        """
        return subprocess.run(
            list(args), env={**os.environ, **self.env}, capture_output=True, text=True, check=check, timeout=timeout
        )

    def is_alive(self) -> bool:
        """True when the controller answers and the node is usable (idle, mixed or allocated)."""
        return is_alive(self.conf)

    def job_state(self, job_id: str) -> str | None:
        """State of a job (e.g. ``RUNNING``, ``COMPLETED``, ``TIMEOUT``) while slurmctld still knows it.

        Parameters
        ----------
        job_id : str
            Job id as printed by ``sbatch --parsable``.

        Returns
        -------
        str or None
            ``JobState`` from ``scontrol show job``, None once the job record is gone (``MinJobAge``).
        """
        p = self.run("scontrol", "-o", "show", "job", job_id, check=False)
        for item in p.stdout.split():
            if item.startswith("JobState="):
                return item.split("=", 1)[1]
        return None

    def wait_job(self, job_id: str, timeout: float = 60, poll: float = 0.5) -> str | None:
        """Wait until a job has left the pending/running states; faster than ``sbatch --wait``.

        ``sbatch --wait`` polls with a growing interval (2, 4, 8, ... s), so it may notice the end of a
        longer job many seconds late; this polls ``scontrol show job`` every ``poll`` seconds.

        Parameters
        ----------
        job_id : str
            Job id.
        timeout : float
            Seconds to wait.
        poll : float
            Seconds between queries.

        Returns
        -------
        str or None
            Final ``JobState`` (``COMPLETED``, ``FAILED``, ``TIMEOUT``, ``CANCELLED``, ...), None if unknown.

        Raises
        ------
        TimeoutError
            If the job is still pending, running or completing after ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        while True:
            state = self.job_state(job_id)
            if state not in ACTIVE_STATES:
                return state
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} still {state} after {timeout:.0f} s")
            time.sleep(poll)

    def expire(self, job_id: str) -> None:
        """Make a running job exceed its time limit now (``scontrol update JobId=... TimeLimit=0``).

        ``slurmctld`` checks time limits every 30 s, so the job then ends as ``TIMEOUT``
        (``Reason=TimeLimit``, ``ExitCode=0:15``, "CANCELLED ... DUE TO TIME LIMIT" in its output) within
        30 s plus :data:`KILL_WAIT` -- the fastest way to a real time-limit kill, since ``--time`` counts
        whole minutes (``--time=1`` ends as ``TIMEOUT`` 60-90 s after the job started).

        Parameters
        ----------
        job_id : str
            Id of a running job.
        """
        self.run("scontrol", "update", f"JobId={job_id}", "TimeLimit=0")

    def log_tail(self, lines: int = 20) -> str:
        """Last lines of the daemons' logs, for error messages."""
        return _log_tail(self.directory, lines)

    def stop(self, remove: bool = False) -> None:
        """Stop the daemons if this process started them.

        Parameters
        ----------
        remove : bool
            Also delete the cluster's directory.
        """
        if self.owned:
            stop_cluster(self.directory, remove=remove)
            self.owned = False


def slurm_installed() -> bool:
    """True when every program of :data:`REQUIRED_PROGRAMS` is on ``PATH`` (or in ``/usr/sbin``)."""
    return all(_which(p) for p in REQUIRED_PROGRAMS)


def short_hostname() -> str:
    """This host's short name, the name ``slurmctld`` and ``slurmd`` compare with the configuration."""
    return socket.gethostname().split(".")[0]


def real_memory_mb(margin_fraction: float = 0.05, min_margin_mb: int = 512) -> int:
    """Memory to declare as ``RealMemory``: ``MemTotal`` less a margin, in MiB.

    Parameters
    ----------
    margin_fraction : float
        Fraction of the total kept back.
    min_margin_mb : int
        Smallest margin in MiB.

    Returns
    -------
    int
        At least 1.
    """
    total_mb = 1024
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                total_mb = int(line.split()[1]) // 1024
                break
    return max(1, total_mb - max(min_margin_mb, int(total_mb * margin_fraction)))


def free_port() -> int:
    """A TCP port that nothing listens on right now (the kernel's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_config(
    directory: str | Path,
    partition: str = DEFAULT_PARTITION,
    host: str | None = None,
    cpus: int | None = None,
    memory_mb: int | None = None,
) -> Path:
    """Write ``slurm.conf`` and the directory layout for a one-node cluster on this host.

    Parameters
    ----------
    directory : str or Path
        Cluster directory (created). It and its parents must be searchable by everyone
        (``munged`` refuses a socket below a directory that is not), so it is made mode 0755.
    partition : str
        Name of the default partition.
    host : str, optional
        Node name; this host's short hostname by default.
    cpus : int, optional
        CPUs of the node; ``os.cpu_count()`` by default.
    memory_mb : int, optional
        ``RealMemory`` in MiB; :func:`real_memory_mb` by default.

    Returns
    -------
    Path
        The ``slurm.conf`` written.
    """
    d = Path(directory).resolve()
    d.mkdir(parents=True, exist_ok=True)
    d.chmod(0o755)
    for sub, mode in (("munge", 0o700), ("run", 0o755), ("state", 0o700), ("spool", 0o755), ("log", 0o755)):
        (d / sub).mkdir(exist_ok=True)
        (d / sub).chmod(mode)
    host = host or short_hostname()
    cpus = cpus or os.cpu_count() or 1
    memory_mb = memory_mb or real_memory_mb()
    ctld_port = free_port()
    slurmd_port = free_port()
    while slurmd_port == ctld_port:
        slurmd_port = free_port()
    conf = d / "slurm.conf"
    conf.write_text(
        f"""# One-node Slurm cluster for naspe's tests (tests/slurm_cluster.py); everything lives in {d}
ClusterName=naspe
SlurmctldHost={host}(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={d}/run/munge.socket
StateSaveLocation={d}/state
SlurmdSpoolDir={d}/spool/slurmd
SlurmctldPidFile={d}/run/slurmctld.pid
SlurmdPidFile={d}/run/slurmd.pid
SlurmctldLogFile={d}/log/slurmctld.log
SlurmdLogFile={d}/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig={d}/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
# try batch jobs at submission (default: up to 3 s later; they start within ~1 s), rescan pending ones every 5 s
SchedulerParameters=batch_sched_delay=0,sched_interval=5
MpiDefault=none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
SlurmdParameters=config_overrides
ReturnToService=2
# short timeouts: a test cluster should fail and clean up fast
MinJobAge=300
KillWait={KILL_WAIT}
OverTimeLimit=0
InactiveLimit=0
MessageTimeout=10
SlurmctldTimeout=30
SlurmdTimeout=30
UnkillableStepTimeout=30
NodeName={host} NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={memory_mb} State=UNKNOWN
PartitionName={partition} Nodes={host} Default=YES MaxTime=INFINITE State=UP
"""
    )
    (d / "plugstack.conf").write_text("")
    return conf


def is_alive(conf: str | Path) -> bool:
    """True when the cluster of ``conf`` answers ``sinfo`` and its node is usable.

    Parameters
    ----------
    conf : str or Path
        A ``slurm.conf``.
    """
    states = _node_states(Path(conf))
    # a suffix * (not responding), ~ # ! % (power saving) marks a node that cannot run jobs now
    usable = ("idle", "mixed", "allocated", "idle-", "mixed-", "allocated-")
    return any(s.lower().rstrip("$@^") in usable for s in states)


def attach(conf: str | Path) -> SlurmCluster:
    """Describe a running cluster (not started by this process) from its ``slurm.conf``.

    Parameters
    ----------
    conf : str or Path
        ``slurm.conf`` of a live cluster.

    Returns
    -------
    SlurmCluster
        Not owned: :meth:`SlurmCluster.stop` leaves it running. Its partition is the default one
        (or the first listed), its host the first node.
    """
    env = {**os.environ, "SLURM_CONF": str(conf)}
    parts = subprocess.run(["sinfo", "-h", "-o", "%P"], env=env, capture_output=True, text=True, timeout=15).stdout
    names = parts.split()
    partition = next((p.rstrip("*") for p in names if p.endswith("*")), names[0] if names else DEFAULT_PARTITION)
    nodes = subprocess.run(["sinfo", "-h", "-N", "-o", "%N"], env=env, capture_output=True, text=True, timeout=15)
    host = (nodes.stdout.split() or [short_hostname()])[0]
    return SlurmCluster(conf=Path(conf).resolve(), partition=partition, host=host, owned=False)


def start_cluster(directory: str | Path, partition: str = DEFAULT_PARTITION, timeout: float = 60) -> SlurmCluster:
    """Write the configuration, start ``munged``, ``slurmctld`` and ``slurmd``, wait for an idle node.

    Parameters
    ----------
    directory : str or Path
        Cluster directory (see :func:`write_config`); must not hold a running cluster.
    partition : str
        Name of the default partition.
    timeout : float
        Seconds to wait for the node to become idle.

    Returns
    -------
    SlurmCluster
        Owned by the caller: stop it with :meth:`SlurmCluster.stop` or :func:`stop_cluster`.

    Raises
    ------
    RuntimeError
        If Slurm or MUNGE is missing, a daemon fails to start or the node is not idle in time
        (whatever was started is stopped again; the message carries the daemons' log tails).
    """
    if not slurm_installed():
        missing = [p for p in REQUIRED_PROGRAMS if not _which(p)]
        raise RuntimeError(f"Slurm/MUNGE not installed (missing {', '.join(missing)}): apt-get install slurm-wlm munge")
    d = Path(directory).resolve()
    if _pid(d / "run" / "slurmctld.pid") or _pid(d / "run" / "munged.pid"):
        raise RuntimeError(f"a cluster is already running in {d}; stop it first")
    t0 = time.monotonic()
    conf = write_config(d, partition=partition)
    cluster = SlurmCluster(conf=conf, partition=partition, owned=True)
    env = {**os.environ, **cluster.env}
    try:
        key = d / "munge" / "munge.key"
        if not key.exists():
            _check([_which("mungekey"), "--create", f"--keyfile={key}"], d)
        key.chmod(0o400)
        _check(
            [
                _which("munged"),
                f"--key-file={key}",
                f"--socket={d}/run/munge.socket",
                f"--pid-file={d}/run/munged.pid",
                f"--log-file={d}/log/munged.log",
                f"--seed-file={d}/munge/munged.seed",
            ],
            d,
        )
        # -i: ignore state files of an earlier run in this directory; the daemons fork and write pid files
        _check([_which("slurmctld"), "-i"], d, env=env)
        _check([_which("slurmd"), "-N", cluster.host], d, env=env)
        while not is_alive(conf):
            if time.monotonic() - t0 > timeout:
                raise RuntimeError(f"node {cluster.host} not idle after {timeout:.0f} s: {_node_states(conf)}")
            for name in ("slurmctld", "slurmd"):
                pid = _pid(d / "run" / f"{name}.pid")
                if pid is None and time.monotonic() - t0 > 5:
                    raise RuntimeError(f"{name} is not running")
            time.sleep(0.25)
    except Exception as e:
        tail = _log_tail(d)
        stop_cluster(d)
        raise RuntimeError(f"starting the Slurm cluster in {d} failed: {e}\n{tail}") from e
    log.info("Slurm cluster up in %.1f s: SLURM_CONF=%s", time.monotonic() - t0, conf)
    return cluster


def stop_cluster(directory: str | Path, remove: bool = False, timeout: float = 30) -> None:
    """Cancel the cluster's jobs, stop ``slurmctld``, ``slurmd`` and ``munged``.

    Only the processes named by the pid files in ``directory`` are signalled.

    Parameters
    ----------
    directory : str or Path
        Cluster directory as given to :func:`start_cluster`.
    remove : bool
        Delete the directory afterwards.
    timeout : float
        Seconds to wait for each daemon to exit after SIGTERM before SIGKILL.
    """
    d = Path(directory).resolve()
    conf = d / "slurm.conf"
    env = {**os.environ, "SLURM_CONF": str(conf)}
    ctld = _pid(d / "run" / "slurmctld.pid")
    slurmd = _pid(d / "run" / "slurmd.pid")
    if ctld and slurmd and conf.exists():
        # running jobs' slurmstepd outlive slurmd: cancel them first and give them KillWait to go
        try:
            q = subprocess.run(["squeue", "-h", "-o", "%i"], env=env, capture_output=True, text=True, timeout=15)
            jobs = q.stdout.split()
            if jobs:
                subprocess.run(["scancel", *jobs], env=env, capture_output=True, timeout=15)
                deadline = time.monotonic() + KILL_WAIT + 10
                while time.monotonic() < deadline:
                    q = subprocess.run(
                        ["squeue", "-h", "-t", "all", "-o", "%T"], env=env, capture_output=True, text=True, timeout=15
                    )
                    if not ({"RUNNING", "COMPLETING", "PENDING", "CONFIGURING"} & set(q.stdout.split())):
                        break
                    time.sleep(0.5)
        except (subprocess.SubprocessError, OSError) as e:
            log.warning("could not cancel jobs before stopping Slurm: %s", e)
    # slurmd first (the node goes down), then the controller, then MUNGE
    for name in ("slurmd", "slurmctld", "munged"):
        pid = _pid(d / "run" / f"{name}.pid")
        if pid is not None:
            _terminate(pid, name, timeout)
        (d / "run" / f"{name}.pid").unlink(missing_ok=True)
    if remove:
        shutil.rmtree(d, ignore_errors=True)


def _which(program: str) -> str | None:
    return shutil.which(program) or shutil.which(program, path="/usr/sbin:/sbin")


def _check(cmd: list[str | None], cwd: Path, env: dict[str, str] | None = None) -> None:
    p = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )
    if p.returncode != 0:
        raise RuntimeError(f"{Path(str(cmd[0])).name} exited {p.returncode}: {(p.stderr or p.stdout).strip()}")


def _node_states(conf: Path) -> list[str]:
    try:
        p = subprocess.run(
            ["sinfo", "-h", "-N", "-o", "%T"],
            env={**os.environ, "SLURM_CONF": str(conf)},
            capture_output=True,
            text=True,
            timeout=15,
        )
    except (subprocess.SubprocessError, OSError):
        return []
    return p.stdout.split() if p.returncode == 0 else []


def _pid(pidfile: Path) -> int | None:
    """Pid in ``pidfile`` if that process is alive (not a zombie), else None."""
    try:
        pid = int(pidfile.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pid if _alive(pid) else None


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _terminate(pid: int, name: str, timeout: float) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _alive(pid):
        log.warning("%s (pid %d) ignored SIGTERM for %.0f s: SIGKILL", name, pid, timeout)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return


def _log_tail(directory: Path, lines: int = 20) -> str:
    out = []
    for name in ("munged", "slurmctld", "slurmd"):
        f = Path(directory) / "log" / f"{name}.log"
        if f.exists():
            tail = f.read_text(errors="replace").splitlines()[-lines:]
            out.append(f"--- {f}\n" + "\n".join(tail))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``start|stop|status DIR``."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("action", choices=["start", "stop", "status"])
    ap.add_argument("directory", nargs="?", help="cluster directory (start: a new temporary one by default)")
    ap.add_argument("--partition", default=DEFAULT_PARTITION)
    ap.add_argument("--remove", action="store_true", help="stop: delete the directory too")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    if args.action == "start":
        d = args.directory or tempfile.mkdtemp(prefix="naspe-slurm-")
        try:
            cluster = start_cluster(d, partition=args.partition)
        except RuntimeError as e:
            print(e, file=sys.stderr)
            return 1
        print(f"export SLURM_CONF={cluster.conf}")
        return 0
    if not args.directory:
        ap.error(f"{args.action} needs DIR")
    if args.action == "stop":
        stop_cluster(args.directory, remove=args.remove)
        return 0
    alive = is_alive(Path(args.directory) / "slurm.conf")
    print("up" if alive else "down")
    return 0 if alive else 1


if __name__ == "__main__":
    sys.exit(main())

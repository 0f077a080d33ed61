"""CP2K's shell as an ASE calculator whose faults are named: ghost kinds, SCF failures, crashes.

:class:`Cp2kShellCalculator` is ASE's :class:`ase.calculators.cp2k.CP2K` (one ``cp2k_shell``
process kept alive for a whole relaxation, so each geometry step starts from the previous
step's wavefunction, extrapolated by CP2K's ``&QS EXTRAPOLATION``) with three changes:

- the whole input is naspe's (:func:`naspe.workflows.dft.cp2k_input.cp2k_input`), including
  ghost kinds (``&KIND Na_ghost ... GHOST``: basis functions without nucleus or electrons,
  for counterpoise single points); ASE's own generator names kinds by element only;
- an SCF that ends with ``SCF run NOT converged`` in CP2K's output (CP2K itself carries on
  and returns its unconverged energy) raises :class:`Cp2kScfNotConverged`;
- a CP2K process that dies (a signal such as SIGSEGV, or an abort), while it starts or
  later, raises :class:`Cp2kCrashed` with its exit status and the last lines of its output,
  instead of ASE's bare ``AssertionError`` from the pipe.
"""

from __future__ import annotations

from pathlib import Path

from ase.calculators.calculator import all_changes
from ase.calculators.cp2k import CP2K, Cp2kShell

from naspe.workflows.dft.checks import exit_status

__all__ = ["Cp2kShellCalculator", "Cp2kScfNotConverged", "Cp2kCrashed", "SCF_FAILED_MARK", "tail_of"]

#: what CP2K 2023.1 writes to its output when an SCF stops at MAX_SCF without converging
SCF_FAILED_MARK = "SCF run NOT converged"


class Cp2kScfNotConverged(RuntimeError):
    """CP2K's SCF reached MAX_SCF without converging (its energy is not used)."""


class Cp2kCrashed(RuntimeError):
    """The CP2K process died or stopped answering; the message has its exit status and last output lines."""


def tail_of(path: Path, lines: int = 15) -> str:
    """The last ``lines`` lines of a text file ('' when it does not exist)."""
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").rstrip().splitlines()[-lines:])


#: what ASE's shell raises when CP2K is gone: its pipe assertion, a closed pipe, no "* READY" (RuntimeError)
_PIPE_ERRORS = (AssertionError, ValueError, RuntimeError, BrokenPipeError, OSError)


def _shell_of(err: BaseException) -> Cp2kShell | None:
    """The :class:`~ase.calculators.cp2k.Cp2kShell` whose start-up raised ``err``, or None.

    ASE makes the shell inside its calculator's constructor (and again in ``calculate`` after a
    shell is dropped), so a CP2K that dies before ``* READY`` leaves no shell on the calculator;
    it is the ``self`` of the ``Cp2kShell`` frame in the traceback.
    """
    tb = err.__traceback__
    while tb is not None:
        candidate = tb.tb_frame.f_locals.get("self")
        if isinstance(candidate, Cp2kShell):
            return candidate
        tb = tb.tb_next
    return None


def _drop(shell: Cp2kShell | None) -> None:
    """Stop a dead or failing CP2K shell: its process killed if alive, its pipes closed, nothing left to flush.

    ASE's ``Cp2kShell.__del__`` then has no process to warn about or write to.
    """
    child = getattr(shell, "_child", None)
    if shell is None or child is None:
        return
    if child.poll() is None:
        child.kill()
        child.wait()
    for pipe in (child.stdin, child.stdout, child.stderr):
        if pipe is not None:
            try:
                pipe.close()
            except OSError:  # a broken pipe's buffered line cannot be flushed: it is discarded
                pass
    shell._child, shell.isready = None, False


class Cp2kShellCalculator(CP2K):
    """ASE's CP2K calculator on a complete naspe input (see the module docstring).

    Parameters
    ----------
    input_text
        The CP2K input without coordinates (``&COORD`` is written here, with ghost kinds).
    kinds
        Kind name of every atom, in order (``"Na"``, ``"Na_ghost"``).
    command
        The shell command that starts ``cp2k_shell`` (under the MPI launcher for several ranks).
    label
        Path prefix of CP2K's input and output files (``<label>.inp``, ``<label>.out``).
    """

    def __init__(self, input_text: str, kinds: list[str], command: str, label: str = "cp2k"):
        # CP2K appends to an existing output file: a stale one (an earlier run in this directory) would count
        # its SCF failures as this run's; removed before ASE starts the shell, which writes to it
        Path(label + ".out").unlink(missing_ok=True)
        try:
            super().__init__(command=command, label=label, stress_tensor=False, inp="")  # starts cp2k_shell
        except _PIPE_ERRORS as err:  # died before "* READY" (a signal, an abort, a missing library)
            self._shell = None
            raise self._crashed(_shell_of(err), err) from err
        self.implemented_properties = ["energy", "free_energy", "forces"]
        self.input_text = input_text
        self.kinds = list(kinds)
        self._scf_failures_seen = 0

    def _generate_input(self) -> str:
        coords = "\n".join(
            f"      {kind} {x:.12f} {y:.12f} {z:.12f}"
            for kind, (x, y, z) in zip(self.kinds, self.atoms.get_positions(), strict=True)
        )
        if len(self.kinds) != len(self.atoms):
            raise ValueError(f"kinds: {len(self.kinds)} given for {len(self.atoms)} atoms")
        return self.input_text.replace("@COORDINATES@", coords).replace("@PROJECT@", Path(self.label).name)

    @property
    def output_path(self) -> Path:
        """CP2K's output file of this calculator."""
        return Path(self.label + ".out")

    def calculate(self, atoms=None, properties=None, system_changes=all_changes):
        """Energy (eV) and forces (eV/Å) from CP2K; raises on an unconverged SCF or a dead process."""
        try:
            super().calculate(atoms, properties, system_changes)
        except _PIPE_ERRORS as err:
            shell, self._shell = self._shell or _shell_of(err), None  # or the shell calculate() was starting
            self._force_env_id = None
            raise self._crashed(shell, err) from err
        failures = self.output_path.read_text(errors="replace").count(SCF_FAILED_MARK)
        if failures > self._scf_failures_seen:
            self._scf_failures_seen = failures
            self.results = {}
            raise Cp2kScfNotConverged(f"CP2K: {SCF_FAILED_MARK} (see {self.output_path})")

    def _crashed(self, shell: Cp2kShell | None, err: BaseException) -> Cp2kCrashed:
        """The :class:`Cp2kCrashed` of a dead (or hung, then killed) CP2K ``shell``: exit status and last lines."""
        child = getattr(shell, "_child", None)
        code = None
        if child is not None:
            try:
                code = child.wait(timeout=10)
            except Exception:  # noqa: BLE001 - a hung child is reported as not answering
                child.kill()
        _drop(shell)
        how = exit_status(code) if code is not None else f"{exit_status(code)} ({type(err).__name__} on its pipe)"
        return Cp2kCrashed(f"CP2K {how}; last lines of {self.output_path}:\n{tail_of(self.output_path)}")

    def scf_iterations(self) -> list[int]:
        """SCF iterations of each energy evaluation so far, read from CP2K's output."""
        import re

        text = self.output_path.read_text(errors="replace") if self.output_path.exists() else ""
        return [int(n) for n in re.findall(r"SCF run converged in\s+(\d+) steps", text)]

    def close(self) -> None:
        """Stop the CP2K shell (also when it already died)."""
        if self._shell is not None and getattr(self._shell, "_child", None) is not None:
            if self._shell._child.poll() is not None:
                _drop(self._shell)
                self._shell = None
        super().close()

r"""Temperature dependence of the conductivity: Arrhenius and VTF fits, plot and measured references.

* Arrhenius: :math:`\sigma = A \exp(-E_a / k_B T)`, with the activation energy in eV.
* Vogel-Tammann-Fulcher (VTF): :math:`\sigma = A T^{-1/2} \exp(-B / (T - T_0))`,
  B in K (pseudo-activation energy :math:`B k_B` in eV) and :math:`T_0` in K, the
  usual form for polymer electrolytes above their glass transition, where ion
  motion follows the segmental motion of the chains.

Both are fitted to :math:`\ln \sigma` with :func:`scipy.optimize.curve_fit`. Given
standard errors of sigma, the residuals are weighted by the relative errors
(the error of :math:`\ln\sigma`) and the parameter errors come from them, inflated
by :math:`\sqrt{\chi^2_\nu}` when the scatter exceeds them; without errors the
fit is unweighted and the parameter errors come from the scatter. A VTF fit has
three parameters and needs at least four temperatures; its parameters are
strongly correlated, so its errors are large unless the temperature range is wide.

The measured values below are for comparison only and are **approximate**
(read from the publications' figures/text), not digitised data.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field
from scipy.optimize import curve_fit

from naspe.analysis.fit_points import fit_points
from naspe.analysis.output_files import write_replacing
from naspe.analysis.transport_result import TransportResult, ValueWithError
from naspe.analysis.units import BOLTZMANN_EV_PER_K

__all__ = [
    "ArrheniusFit",
    "VTFFit",
    "ReferenceConductivity",
    "ZHAO_2019_PEO20_NAFSI",
    "BRADFORD_2023_PEO_LITFSI_EO20",
    "REFERENCE_DATA",
    "fit_arrhenius",
    "fit_vtf",
    "conductivity_table",
    "plot_arrhenius",
]


class ReferenceConductivity(BaseModel):
    """Measured conductivities to compare with."""

    label: str = Field(description="Legend label.")
    citation: str = Field(description="Where the values come from.")
    temperature_K: list[float] = Field(description="Temperatures (K).")
    sigma_S_cm: list[float] = Field(description="Conductivities (S/cm).")
    approximate: bool = Field(True, description="Whether the values are approximate (read off text or figures).")
    note: str = Field("", description="How the values were obtained and what they are.")


#: PEO20NaFSI (EO:Na = 20), the electrolyte of the Na-anode study; APPROXIMATE values
ZHAO_2019_PEO20_NAFSI = ReferenceConductivity(
    label="PEO20NaFSI, Zhao et al. 2019 (approx.)",
    citation="Zhao et al., Angew. Chem. Int. Ed. 58 (2019) 17026",
    temperature_K=[303.15, 333.15, 343.15, 353.15],
    sigma_S_cm=[1e-7, 1e-4, 1e-4, 1e-4],
    note="Approximate: ~1e-7 S/cm at 30 °C and ~1e-4 S/cm at 60, 70 and 80 °C (semicrystalline below the "
    "PEO melting point near 60 °C, hence the jump); order-of-magnitude values, not digitised data.",
)

#: PEO/LiTFSI at EO:Li = 20; APPROXIMATE values
BRADFORD_2023_PEO_LITFSI_EO20 = ReferenceConductivity(
    label="PEO/LiTFSI EO:Li=20, Bradford et al. 2023 (approx.)",
    citation="G. Bradford et al., ACS Cent. Sci. 9 (2023) 206, doi:10.1021/acscentsci.2c01123",
    temperature_K=[333.15, 353.15],
    sigma_S_cm=[10**-3.3, 10**-3.0],
    note="Approximate: log10(sigma / S cm^-1) about -3.3 at 60 °C and -3.0 at 80 °C.",
)

REFERENCE_DATA = (ZHAO_2019_PEO20_NAFSI, BRADFORD_2023_PEO_LITFSI_EO20)


def _defined(parameter: ValueWithError, name: str) -> float:
    """The value of a fitted parameter; a ValueError if it is undefined (null)."""
    if parameter.value is None:
        raise ValueError(f"the fit's {name} is undefined (null): no conductivity can be predicted")
    return parameter.value


class _ConductivityFit(BaseModel):
    """What every conductivity-temperature fit records about its data."""

    temperatures_K: list[float] = Field(description="Temperatures fitted (K).")
    sigma_S_cm: list[float] = Field(description="Conductivities fitted (S/cm).")
    weighted: bool = Field(description="Whether residuals were weighted by the relative errors of sigma.")
    reduced_chi2: float | None = Field(None, description="chi^2 per degree of freedom (weighted fits).")
    warnings: list[str] = Field(default_factory=list, description="Caveats.")


class ArrheniusFit(_ConductivityFit):
    """sigma = A exp(-Ea / kB T) fitted to ln sigma."""

    prefactor_S_cm: ValueWithError = Field(description="A (S/cm); stderr = A * stderr(ln A).")
    activation_energy_eV: ValueWithError = Field(description="Ea (eV).")

    def predict_S_cm(self, temperature_K: np.ndarray | float) -> np.ndarray:
        """Conductivity (S/cm) of the fit at ``temperature_K`` (K)."""
        t = np.asarray(temperature_K, dtype=float)
        a, ea = _defined(self.prefactor_S_cm, "prefactor"), _defined(self.activation_energy_eV, "activation energy")
        return a * np.exp(-ea / (BOLTZMANN_EV_PER_K * t))


class VTFFit(_ConductivityFit):
    """sigma = A T^-1/2 exp(-B / (T - T0)) fitted to ln sigma."""

    prefactor_S_cm_K05: ValueWithError = Field(description="A (S cm^-1 K^1/2); stderr = A * stderr(ln A).")
    b_K: ValueWithError = Field(description="B (K).")
    pseudo_activation_energy_eV: ValueWithError = Field(description="B kB (eV).")
    t0_K: ValueWithError = Field(description="Vogel temperature T0 (K).")

    def predict_S_cm(self, temperature_K: np.ndarray | float) -> np.ndarray:
        """Conductivity (S/cm) of the fit at ``temperature_K`` (K); only meaningful above T0."""
        t = np.asarray(temperature_K, dtype=float)
        a, b, t0 = _defined(self.prefactor_S_cm_K05, "prefactor"), _defined(self.b_K, "B"), _defined(self.t0_K, "T0")
        return a / np.sqrt(t) * np.exp(-b / (t - t0))


def _prepare(
    temperatures_K: Sequence[float] | np.ndarray,
    sigma_S_cm: Sequence[float] | np.ndarray,
    stderr_S_cm: Sequence[float] | np.ndarray | None,
    minimum: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    t = np.asarray(temperatures_K, dtype=float)
    s = np.asarray(sigma_S_cm, dtype=float)
    if t.shape != s.shape or t.ndim != 1:
        raise ValueError(f"{t.size} temperatures and {s.size} conductivities: need one conductivity per temperature")
    if np.any(~np.isfinite(t)) or np.any(t <= 0):
        raise ValueError(f"temperatures_K={t.tolist()}: must be positive, in K")
    if np.any(~np.isfinite(s)) or np.any(s <= 0):
        raise ValueError(f"sigma_S_cm={s.tolist()}: must be positive (the fits are on log sigma)")
    if np.unique(t).size < minimum:
        raise ValueError(f"{np.unique(t).size} distinct temperatures: this fit needs >= {minimum}")
    relative = None
    if stderr_S_cm is not None:
        e = np.asarray(stderr_S_cm, dtype=float)
        if e.shape != s.shape or np.any(~np.isfinite(e)) or np.any(e <= 0):
            raise ValueError(f"stderr_S_cm={e.tolist()}: need one positive error per conductivity")
        relative = e / s
    return t, s, relative


def _fit(model, x: np.ndarray, y: np.ndarray, relative: np.ndarray | None, p0, bounds=(-np.inf, np.inf)):
    """curve_fit with the error policy of this module; returns (params, stderr or None, reduced chi2, notes)."""
    dof = x.size - len(p0)
    params, cov = curve_fit(
        model, x, y, p0=p0, sigma=relative, absolute_sigma=relative is not None, bounds=bounds, maxfev=20000
    )
    notes: list[str] = []
    chi2_red = None
    if relative is not None:
        if dof > 0:
            chi2_red = float(np.sum(((y - model(x, *params)) / relative) ** 2) / dof)
            if chi2_red > 1.0:
                cov = cov * chi2_red
                notes.append(f"scatter exceeds the given errors (reduced chi2 {chi2_red:.2g}); errors inflated")
    elif dof == 0:
        notes.append("as many points as parameters and no errors given: parameter errors undefined")
        return params, None, chi2_red, notes
    errors = np.sqrt(np.diag(cov))
    return params, np.where(np.isfinite(errors), errors, np.nan), chi2_red, notes


def _arrhenius_model(t: np.ndarray, ln_a: float, ea_ev: float) -> np.ndarray:
    return ln_a - ea_ev / (BOLTZMANN_EV_PER_K * t)


def fit_arrhenius(
    temperatures_K: Sequence[float] | np.ndarray,
    sigma_S_cm: Sequence[float] | np.ndarray,
    stderr_S_cm: Sequence[float] | np.ndarray | None = None,
) -> ArrheniusFit:
    """Fit sigma = A exp(-Ea / kB T) to conductivities at >= 2 temperatures.

    Parameters
    ----------
    temperatures_K
        Temperatures (K).
    sigma_S_cm
        Conductivities (S/cm), positive.
    stderr_S_cm
        Standard errors of sigma (S/cm); weights the fit when given.

    Returns
    -------
    ArrheniusFit
        A (S/cm) and Ea (eV) with standard errors.
    """
    t, s, relative = _prepare(temperatures_K, sigma_S_cm, stderr_S_cm, minimum=2)
    y = np.log(s)
    slope, intercept = np.polyfit(1.0 / (BOLTZMANN_EV_PER_K * t), y, 1)
    params, errors, chi2_red, notes = _fit(_arrhenius_model, t, y, relative, p0=(intercept, -slope))
    ln_a, ea = params
    return ArrheniusFit(
        prefactor_S_cm=ValueWithError(value=np.exp(ln_a), stderr=None if errors is None else np.exp(ln_a) * errors[0]),
        activation_energy_eV=ValueWithError(value=ea, stderr=None if errors is None else errors[1]),
        temperatures_K=t.tolist(),
        sigma_S_cm=s.tolist(),
        weighted=relative is not None,
        reduced_chi2=chi2_red,
        warnings=notes,
    )


def _vtf_model(t: np.ndarray, ln_a: float, b: float, t0: float) -> np.ndarray:
    return ln_a - 0.5 * np.log(t) - b / (t - t0)


def fit_vtf(
    temperatures_K: Sequence[float] | np.ndarray,
    sigma_S_cm: Sequence[float] | np.ndarray,
    stderr_S_cm: Sequence[float] | np.ndarray | None = None,
) -> VTFFit:
    """Fit sigma = A T^-1/2 exp(-B / (T - T0)) to conductivities at >= 4 temperatures.

    Parameters
    ----------
    temperatures_K
        Temperatures (K); at least 4 distinct ones (3 parameters + 1 degree of freedom).
    sigma_S_cm
        Conductivities (S/cm), positive.
    stderr_S_cm
        Standard errors of sigma (S/cm); weights the fit when given.

    Returns
    -------
    VTFFit
        A (S cm^-1 K^1/2), B (K), B kB (eV) and T0 (K) with standard errors.
    """
    try:
        t, s, relative = _prepare(temperatures_K, sigma_S_cm, stderr_S_cm, minimum=4)
    except ValueError as exc:
        if "distinct temperatures" in str(exc):
            raise ValueError(f"VTF fit needs >= 4 temperatures (3 parameters + 1 degree of freedom): {exc}") from None
        raise
    y = np.log(s) + 0.5 * np.log(t)
    w = np.ones_like(t) if relative is None else 1.0 / relative
    t_max0 = float(t.min()) - 1.0
    best = None
    for t0 in np.linspace(0.0, t_max0, 400):  # B and ln A are linear at fixed T0: scan T0 for a start
        x = 1.0 / (t - t0)
        design = np.column_stack([np.ones_like(x), -x]) * w[:, None]
        coef, *_ = np.linalg.lstsq(design, y * w, rcond=None)
        chi2 = float(np.sum((design @ coef - y * w) ** 2))
        if coef[1] > 0 and (best is None or chi2 < best[0]):
            best = (chi2, coef[0], coef[1], t0)
    if best is None:
        raise ValueError("no VTF curve with B > 0 fits these conductivities (they do not rise with temperature)")
    p0 = (best[1], best[2], min(best[3], t_max0 - 1e-3))
    bounds = ([-np.inf, 0.0, 0.0], [np.inf, np.inf, t_max0])
    params, errors, chi2_red, notes = _fit(_vtf_model, t, np.log(s), relative, p0=p0, bounds=bounds)
    ln_a, b, t0 = params
    if t0 < 1.0 or t0 > t_max0 - 1.0:
        notes.append(f"T0 = {t0:.0f} K sits at the edge of its allowed range: the data do not constrain it")
    err = (lambda i: None) if errors is None else (lambda i: float(errors[i]))
    return VTFFit(
        prefactor_S_cm_K05=ValueWithError(value=np.exp(ln_a), stderr=None if errors is None else np.exp(ln_a) * err(0)),
        b_K=ValueWithError(value=b, stderr=err(1)),
        pseudo_activation_energy_eV=ValueWithError(
            value=b * BOLTZMANN_EV_PER_K, stderr=None if errors is None else float(errors[1]) * BOLTZMANN_EV_PER_K
        ),
        t0_K=ValueWithError(value=t0, stderr=err(2)),
        temperatures_K=t.tolist(),
        sigma_S_cm=s.tolist(),
        weighted=relative is not None,
        reduced_chi2=chi2_red,
        warnings=notes,
    )


def conductivity_table(
    results: Sequence[TransportResult], quantity: str = "sigma_eh_S_cm"
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Temperatures (K), conductivities (S/cm) and their errors (or None) from transport results.

    Parameters
    ----------
    results
        One result per temperature (or replica).
    quantity
        ``"sigma_eh_S_cm"`` (collective, default) or ``"sigma_ne_S_cm"``.

    Returns
    -------
    tuple
        Arrays of T, sigma and stderr (None unless every result has a positive stderr);
        results with an undefined or non-positive sigma are left out.
    """
    if quantity not in ("sigma_eh_S_cm", "sigma_ne_S_cm"):
        raise ValueError(f"quantity={quantity!r}: must be 'sigma_eh_S_cm' or 'sigma_ne_S_cm'")
    rows = [(r.temperature_K, getattr(r, quantity)) for r in results]
    rows = [(t, v) for t, v in rows if v.value is not None and v.value > 0]
    t = np.array([t for t, _ in rows], dtype=float)
    s = np.array([v.value for _, v in rows], dtype=float)
    errors = [v.stderr for _, v in rows]
    e = np.array(errors, dtype=float) if all(x is not None and x > 0 for x in errors) and rows else None
    return t, s, e


def plot_arrhenius(
    results: Sequence[TransportResult],
    path: str | Path,
    *,
    fit_quantity: str = "sigma_eh_S_cm",
    references: Sequence[ReferenceConductivity] = REFERENCE_DATA,
    title: str | None = None,
) -> Path:
    """Plot log10 sigma against 1000/T: simulated NE and EH points, fits, measured references.

    Parameters
    ----------
    results
        Transport results at several temperatures.
    path
        Image file to write (format from the suffix: png, pdf, svg).
    fit_quantity
        Conductivity the Arrhenius (>= 2 temperatures) and VTF (>= 4) fits are drawn for, over the
        points :func:`naspe.analysis.fit_points.fit_points` admits (the others are marked x).
    references
        Measured data to show (approximate values, labelled as such).
    title
        Figure title.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    # matplotlib (~0.5 s) only when a figure is drawn
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path = Path(path)
    fig = Figure(figsize=(6.4, 4.8))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    temperatures: list[float] = []
    for quantity, label, marker in (
        ("sigma_ne_S_cm", "MD Nernst-Einstein", "o"),
        ("sigma_eh_S_cm", "MD Einstein-Helfand", "s"),
    ):
        t, s, e = conductivity_table(results, quantity)
        if t.size:
            yerr = None if e is None else e / (s * np.log(10.0))
            filled = quantity == fit_quantity
            mfc = None if filled else "none"
            ax.errorbar(1000.0 / t, np.log10(s), yerr=yerr, fmt=marker, capsize=3, label=label, mfc=mfc)
            temperatures += t.tolist()
    used, left_out = fit_points(results, fit_quantity)
    t, s, e = conductivity_table(used, fit_quantity)
    if left_out:
        lt, ls, _ = conductivity_table([r for r in results if r not in used], fit_quantity)
        if lt.size:
            ax.plot(1000.0 / lt, np.log10(ls), "x", color="0.5", label=f"left out of the fits ({len(left_out)})")
    for ref in references:
        ax.plot(1000.0 / np.array(ref.temperature_K), np.log10(ref.sigma_S_cm), "D", mfc="none", label=ref.label)
        temperatures += ref.temperature_K
    if np.unique(t).size >= 2:
        grid = np.linspace(min(temperatures) - 5.0, max(temperatures) + 5.0, 200)
        arr = fit_arrhenius(t, s, e)
        ea = arr.activation_energy_eV
        text = f"{ea.value:.2f}" + (f" ± {ea.stderr:.2f}" if ea.stderr is not None else "")
        ax.plot(1000.0 / grid, np.log10(arr.predict_S_cm(grid)), "-", label=f"Arrhenius, Ea = {text} eV")
        vtf = None
        if np.unique(t).size >= 4:
            try:
                vtf = fit_vtf(t, s, e)
            except (ValueError, RuntimeError) as err:  # noisy short runs: no VTF curve, say why on the figure
                ax.text(0.02, 0.02, f"no VTF fit: {err}"[:90], transform=ax.transAxes, fontsize=7)
        if vtf is not None:
            above = grid[grid > _defined(vtf.t0_K, "T0") + 1.0]
            ax.plot(
                1000.0 / above,
                np.log10(vtf.predict_S_cm(above)),
                "--",
                label=f"VTF, B kB = {vtf.pseudo_activation_energy_eV.value:.3f} eV, T0 = {vtf.t0_K.value:.0f} K",
            )
    ax.set_xlabel("1000 / T (1/K)")
    ax.set_ylabel(r"$\log_{10}$($\sigma$ / S cm$^{-1}$)")
    top = ax.secondary_xaxis(
        "top",
        functions=(
            lambda x: 1000.0 / np.maximum(x, 1e-9) - 273.15,
            lambda c: 1000.0 / np.maximum(np.asarray(c) + 273.15, 1e-9),
        ),
    )
    top.set_xlabel("T (°C)")
    if title:
        ax.set_title(title)
    ax.legend(fontsize="small")
    fig.tight_layout()
    write_replacing(path, lambda tmp: fig.savefig(tmp, dpi=150))
    return path

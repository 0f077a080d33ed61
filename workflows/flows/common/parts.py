"""The two parts of a complex (an interface, an adsorbed fragment), each kept in the complex's cell.

W_adh and E_bind subtract the energies of the parts from the complex's, so the
parts keep the complex's cell (same strain, area and k-point mesh) and the
substrate's bottom layer is held fixed, as the bulk side of a slab.
"""

from __future__ import annotations

from pymatgen.core import Structure

__all__ = ["split_interface"]


def split_interface(interface: Structure, n_substrate: int, fix_bottom_angstrom: float) -> tuple[Structure, ...]:
    """Interface, substrate and film as Structures in the interface cell, substrate bottom fixed, ``magmom`` kept."""
    if not 0 < n_substrate < len(interface):
        raise ValueError(f"n_substrate={n_substrate}: must be between 1 and {len(interface) - 1} (sites - 1)")
    moments = interface.site_properties.get("magmom")
    props = {} if moments is None else {"magmom": list(moments)}
    clean = Structure(
        interface.lattice, interface.species, interface.cart_coords, coords_are_cartesian=True, site_properties=props
    )
    z = clean.cart_coords[:, 2]
    z_min = z[:n_substrate].min()
    fixed = [(k < n_substrate and z[k] < z_min + fix_bottom_angstrom) for k in range(len(clean))]
    clean.add_site_property("selective_dynamics", [[not f] * 3 for f in fixed])
    substrate = Structure.from_sites(clean.sites[:n_substrate])
    film = Structure.from_sites(clean.sites[n_substrate:])
    return clean, substrate, film

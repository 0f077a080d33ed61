"""The names of the study's systems: Interface, substrate classes, and the builders behind the names."""

from __future__ import annotations

import subprocess
import sys

import pytest

from naspe.structures.systems import FILMS, SUBSTRATE_CLASSES, Interface, substrate_class


def test_every_substrate_name_has_a_builder_and_a_class():
    from naspe.structures.catalog import SUBSTRATES

    assert set(SUBSTRATES) == set(SUBSTRATE_CLASSES)
    assert set(SUBSTRATE_CLASSES.values()) == {"Na", "carbon", "defective/oxidised carbon", "Na/C"}


def test_interface_names_parse_and_classify():
    interface = Interface.parse("peo/graphene-oxidised")
    assert (interface.film, interface.substrate, interface.name) == (
        "peo",
        "graphene-oxidised",
        "peo/graphene-oxidised",
    )
    assert str(interface) == "peo/graphene-oxidised" and interface == Interface("peo", "graphene-oxidised")
    assert interface.substrate_class == "defective/oxidised carbon"
    assert Interface.parse("peo/na110").substrate_class == "Na"
    assert Interface.parse("peo/na-on-graphene").substrate_class == "Na/C"
    assert Interface.parse("na110/graphite").substrate_class == "Na/C"  # the Na film on carbon: the composite
    assert substrate_class("vacancy") == "defective/oxidised carbon" and substrate_class("nope") is None


@pytest.mark.parametrize("name", ["pvdf/na110", "peo/na200", "peo", "peo/", "/na110"])
def test_an_unknown_system_is_one_line_naming_it_and_the_allowed_names(name):
    with pytest.raises(ValueError) as err:
        Interface.parse(name)
    assert repr(name) in str(err.value) and ", ".join(FILMS) in str(err.value) and "\n" not in str(err.value)


def test_naming_systems_imports_no_structure_builder():
    code = (
        "import sys, naspe.structures.systems; print(any(m.split('.')[0] in ('ase', 'pymatgen') for m in sys.modules))"
    )
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
        == "False"
    )

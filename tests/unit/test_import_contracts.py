"""The `standard_library_only` contract type (tests/import_contracts.py) on small import graphs."""

from __future__ import annotations

from grimp import ImportGraph

from tests.import_contracts import StandardLibraryOnlyContract


def _graph(imports: dict[str, list[str]]) -> ImportGraph:
    graph = ImportGraph()
    for importer, imported_names in imports.items():
        graph.add_module(importer)
        for imported in imported_names:
            if imported not in graph.modules:
                graph.add_module(imported, is_squashed=imported.split(".")[0] != "pure")
            graph.add_import(importer=importer, imported=imported, line_number=3, line_contents="")
    return graph


def _contract(**options: list[str]) -> StandardLibraryOnlyContract:
    return StandardLibraryOnlyContract(
        name="pure", session_options={}, contract_options={"source_modules": ["pure"], **options}
    )


def test_the_standard_library_and_the_package_itself_are_allowed() -> None:
    graph = _graph({"pure": ["pure.rules"], "pure.rules": ["re", "dataclasses", "pure"]})
    assert _contract().check(graph, verbose=False).kept


def test_a_third_party_package_breaks_it_unless_allowed() -> None:
    graph = _graph({"pure": [], "pure.geo": ["zipcodes", "math"]})
    broken = _contract().check(graph, verbose=False)
    assert not broken.kept
    assert broken.metadata["broken"] == [
        {"importer": "pure.geo", "imported": "zipcodes", "lines": [3]}
    ]
    assert _contract(allowed_modules=["zipcodes"]).check(graph, verbose=False).kept


def test_the_standard_librarys_io_can_be_forbidden() -> None:
    graph = _graph({"pure": ["asyncio"]})
    assert _contract().check(graph, verbose=False).kept
    assert not _contract(forbidden_stdlib=["asyncio"]).check(graph, verbose=False).kept

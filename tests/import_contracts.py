"""An import-linter contract type the built-in ones lack: an allow-list of what a package imports.

`forbidden` contracts are deny-lists, so a pure package stays pure only against the names someone
thought of. `standard_library_only` checks every import of `source_modules` against
`sys.stdlib_module_names`, minus the standard library's I/O (`forbidden_stdlib`), plus the
packages named in `allowed_modules` (the project's own or pure data libraries). Registered in
pyproject.toml (`contract_types`); import-linter puts the working directory on the path.
"""

from __future__ import annotations

import sys

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output


class StandardLibraryOnlyContract(Contract):
    source_modules = fields.ListField(subfield=fields.ModuleField())
    allowed_modules = fields.ListField(subfield=fields.StringField(), required=False, default=[])
    forbidden_stdlib = fields.ListField(subfield=fields.StringField(), required=False, default=[])

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        allowed = set(self._names("allowed_modules"))
        forbidden = set(self._names("forbidden_stdlib"))
        broken: list[dict[str, object]] = []
        for source in self._names("source_modules"):
            package = source.split(".")[0]
            for module in sorted({source, *graph.find_descendants(source)}):
                for imported in sorted(graph.find_modules_directly_imported_by(module)):
                    root = imported.split(".")[0]
                    stdlib = root in sys.stdlib_module_names and root not in forbidden
                    if root == package or stdlib or root in allowed:
                        continue
                    details = graph.get_import_details(importer=module, imported=imported)
                    lines = [detail["line_number"] for detail in details]
                    broken.append({"importer": module, "imported": imported, "lines": lines})
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for item in check.metadata["broken"]:
            lines = ", ".join(f"l.{line}" for line in item["lines"])
            output.print_error(
                f"{item['importer']} imports {item['imported']} ({lines}): neither the standard "
                "library's pure part nor an allowed package."
            )
            output.new_line()

    def _names(self, field: str) -> list[str]:
        values: list[object] = getattr(self, field)
        return [str(value) for value in values]

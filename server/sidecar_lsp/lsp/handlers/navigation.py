"""LSP handlers for definition, references, highlights, rename and quick fixes.

Navigation handlers take the document's tree (they need no checks), code actions its analysis;
each asks the pure core (``core.navigation``, ``core.fixes``) and converts the answer; positions
are converted to and from client units at this edge. Edits name the document version they were
computed for (``documentChanges``), so a client never applies them to newer text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from sidecar_lsp.core.features import fixes, navigation
from sidecar_lsp.core.model import Span, TextEdit
from sidecar_lsp.lsp import convert as lsp_convert
from sidecar_lsp.lsp.ports import Client, CrossFile, Documents, Host, Requests

if TYPE_CHECKING:
    from pygls.workspace import TextDocument

    from sidecar_lsp.core.check.analyze import Analysis
    from sidecar_lsp.core.model import Pos
    from sidecar_lsp.core.yaml.tree import ParsedDocument


async def _served(server: Requests, uri: str) -> tuple[Analysis, TextDocument] | None:
    """The analysis and open document for ``uri`` when it is a served manifest whose text has not
    changed while the analysis ran (its positions would point into older text)."""
    cached = await server.cached_async(uri)
    doc = server.open_document(uri)
    if cached is None or doc is None or not cached.served or not server.is_current(cached.snapshot):
        return None
    return cached.analysis, doc


def _tree_at(
    documents: Documents, uri: str, position: types.Position
) -> tuple[ParsedDocument, TextDocument, Pos] | None:
    """The document's tree, the open document and the cursor in code points; navigation needs no checks."""
    parsed = documents.parsed_for(uri)
    doc = documents.open_document(uri)
    if parsed is None or doc is None or not parsed.served:
        return None
    return parsed.document, doc, lsp_convert.from_lsp_position(doc, position)


def _locations(doc: TextDocument, spans: list[Span]) -> list[types.Location]:
    lines = lsp_convert.lines_of(doc)
    return [types.Location(uri=doc.uri, range=lsp_convert.to_lsp_range(doc, span, lines)) for span in spans]


def _definition_in_manifest(
    documents: Documents, uri: str, position: types.Position
) -> list[types.Location] | None:
    found = _tree_at(documents, uri, position)
    if found is None:
        return None
    tree, doc, pos = found
    return _locations(doc, navigation.definitions(tree, pos)) or None


def register(server: Host, cross_file: CrossFile) -> None:
    """Add the navigation and code-action features to ``server``."""

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    async def definition(params: types.DefinitionParams) -> list[types.Location] | None:
        """textDocument/definition, the one handler of the method (so it is guarded like every
        other): in a rendering, the line that set the value (the workspace features); in a manifest,
        source_volume -> the volume, target_container and depends_on -> the container."""
        uri = params.text_document.uri
        if cross_file.renders(uri):
            return await cross_file.definition(uri, params.position.line)
        return _definition_in_manifest(server, uri, params.position)

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    async def references(params: types.ReferenceParams) -> list[types.Location] | None:
        """textDocument/references: every use of a sidecar, the main container or a volume."""
        found = _tree_at(server, params.text_document.uri, params.position)
        if found is None:
            return None
        tree, doc, pos = found
        spans = navigation.references(tree, pos, include_declaration=params.context.include_declaration)
        return _locations(doc, spans) or None

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
    async def document_highlight(
        params: types.DocumentHighlightParams,
    ) -> list[types.DocumentHighlight] | None:
        """textDocument/documentHighlight: definitions as writes, uses as reads."""
        found = _tree_at(server, params.text_document.uri, params.position)
        if found is None:
            return None
        tree, doc, pos = found
        lines = lsp_convert.lines_of(doc)
        kind = types.DocumentHighlightKind
        return [
            types.DocumentHighlight(
                range=lsp_convert.to_lsp_range(doc, span, lines), kind=kind.Write if written else kind.Read
            )
            for span, written in navigation.highlights(tree, pos)
        ] or None

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    async def prepare_rename(params: types.PrepareRenameParams) -> types.PrepareRenamePlaceholder | None:
        """textDocument/prepareRename: only sidecar and volume names are renamable."""
        found = _tree_at(server, params.text_document.uri, params.position)
        if found is None:
            return None
        tree, doc, pos = found
        renamable = navigation.prepare_rename(tree, pos)
        if renamable is None:
            return None
        span, name = renamable
        return types.PrepareRenamePlaceholder(range=lsp_convert.to_lsp_range(doc, span), placeholder=name)

    @server.feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
    async def rename(params: types.RenameParams) -> types.WorkspaceEdit | None:
        """textDocument/rename: the sidecar or volume and every reference, in the base and each environment."""
        found = _tree_at(server, params.text_document.uri, params.position)
        if found is None:
            return None
        tree, doc, pos = found
        edits = navigation.rename(tree, pos, params.new_name)
        if edits is None:
            return None
        # computed from the current text without an await in between: no version to guard
        return types.WorkspaceEdit(changes={doc.uri: _text_edits(doc, edits)})

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    async def code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        """textDocument/codeAction: the quick fixes of the diagnostics under the selection."""
        only = params.context.only
        if only and not any(kind.startswith(types.CodeActionKind.QuickFix) for kind in only):
            return None
        served = await _served(server, params.text_document.uri)
        if served is None:
            return None
        analysis, doc = served
        span = Span(
            lsp_convert.from_lsp_position(doc, params.range.start),
            lsp_convert.from_lsp_position(doc, params.range.end),
        )
        lines = lsp_convert.lines_of(doc)
        actions = []
        # with the cross-file findings; a query: it publishes, registers and changes nothing
        shown = cross_file.findings(params.text_document.uri, doc, analysis.document, analysis.findings)
        for finding, fix in fixes.code_actions(analysis.document, shown, span):
            actions.append(
                types.CodeAction(
                    title=fix.title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[lsp_convert.to_diagnostic(doc, finding, lines)],
                    is_preferred=fix.preferred or None,
                    edit=_workspace_edit(server, doc, list(fix.edits)),
                )
            )
        return actions or None


def _workspace_edit(client: Client, doc: TextDocument, edits: list[TextEdit]) -> types.WorkspaceEdit:
    """The edits for the document's current version: versioned ``documentChanges`` when the
    client supports them (a client rejects them for any other version), else plain ``changes``."""
    caps = client.client_capabilities.workspace
    versioned = bool(caps and caps.workspace_edit and caps.workspace_edit.document_changes)
    if versioned and doc.version is not None:
        identifier = types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version)
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(text_document=identifier, edits=list(_text_edits(doc, edits)))
            ]
        )
    return types.WorkspaceEdit(changes={doc.uri: _text_edits(doc, edits)})


def _text_edits(doc: TextDocument, edits: list[TextEdit]) -> list[types.TextEdit]:
    lines = lsp_convert.lines_of(doc)
    return [
        types.TextEdit(range=lsp_convert.to_lsp_range(doc, edit.span, lines), new_text=edit.new_text)
        for edit in edits
    ]

"""Open documents: the client's text, immutable snapshots of it, and what the server remembers.

Threading contract (see ``docs/dev/architecture.md``): everything here is touched by the event
loop only. The diagnostics worker receives a :class:`Snapshot` (and, when the loop has one, the
parse of exactly that text) and returns a :class:`Checked`; the loop alone decides whether that
result still belongs to an open document at that version and stores it.
"""

from __future__ import annotations

import dataclasses
import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from lsprotocol import types
from pygls.workspace import TextDocument, Workspace

from sidecar_lsp.core.check.analyze import Analysis, Options, safe_parse
from sidecar_lsp.core.decoding import kinds
from sidecar_lsp.core.lines import OffsetIndex, split_lines
from sidecar_lsp.core.model import Finding
from sidecar_lsp.core.yaml.tree import ParsedDocument
from sidecar_lsp.lsp import convert
from sidecar_lsp.lsp.settings import Settings

_TYPE_LINE = re.compile(
    r"^type[ \t]*:[ \t]*[\"']?("
    + "|".join(re.escape(k) for k in (*kinds.WORKLOAD_TYPES, kinds.ENVIRONMENT))
    + r")\b",
    re.MULTILINE,
)

TREE_BUDGET_CHARS = 400_000
"""Source characters whose trees and analyses are kept (about 50 bytes of tree per character).

The documents used last keep theirs; the others keep only their text and are parsed again on
their next request. 200 open manifests of 1,500 lines would otherwise hold a tree each.
"""


class ClientTextDocument(TextDocument):
    """pygls' document, with lines as LSP clients count them (``\\n``, ``\\r\\n``, ``\\r``).

    pygls splits with ``str.splitlines``, which also breaks at NEL, U+2028, U+2029, form feed and
    vertical tab: an incremental change of a text holding one of them landed on the wrong line
    and the server's text drifted from the client's.
    """

    _table: tuple[str, list[str], OffsetIndex] | None = None

    def line_table(self) -> tuple[list[str], OffsetIndex]:
        """The lines (without breaks) and their offsets, computed once per text."""
        source = self.source
        table = self._table
        if table is None or table[0] is not source:
            table = (source, split_lines(source), OffsetIndex(source))
            self._table = table
        return table[1], table[2]

    @property
    def lines(self) -> Sequence[str]:
        lines, index = self.line_table()
        source = self.source
        ends = [*index.starts[1:], len(source)]
        return (
            tuple(source[start:end] for start, end in zip(index.starts, ends, strict=True)) if lines else ()
        )

    def _apply_incremental_change(self, change: types.TextDocumentContentChangePartial) -> None:
        source = self.source
        start = self.offset_of(change.range.start)
        end = self.offset_of(change.range.end)
        if end < start:
            start, end = end, start
        self._source = source[:start] + change.text + source[end:]

    def offset_of(self, position: types.Position) -> int:
        """The character offset of a client position; past the end of a line means its end (LSP)."""
        if position.line < 0:
            return 0
        pos = convert.from_lsp_position(self, position)  # clamped: past the last line is the text's end
        return self.line_table()[1].starts[pos.line] + pos.col


class ClientWorkspace(Workspace):
    """pygls' workspace, holding :class:`ClientTextDocument` documents."""

    def _create_text_document(
        self,
        doc_uri: str,
        source: str | None = None,
        version: int | None = None,
        language_id: str | None = None,
    ) -> TextDocument:
        return ClientTextDocument(
            doc_uri,
            source=source,
            version=version,
            language_id=language_id,
            sync_kind=self._sync_kind,
            position_codec=self._position_codec,
        )


@dataclass(frozen=True, eq=False)
class Snapshot:
    """One version of one open document, with the settings it is checked with; never changes."""

    uri: str
    version: int | None
    text: str
    settings: Settings
    served_path: bool
    """The file is a ``copilot/**/manifest.yml``: served whatever its ``type`` says."""

    def may_be_manifest(self) -> bool:
        """Cheap test that rules most YAML (workflows, Kubernetes) out without parsing it."""
        return self.served_path or _TYPE_LINE.search(self.text) is not None

    def same_input(self, other: Snapshot) -> bool:
        return self.version == other.version and self.text is other.text and self.settings == other.settings

    def options(self) -> Options:
        """What to check: the settings, and a ``copilot/**/manifest.yml`` checked whatever its ``type``."""
        return dataclasses.replace(self.settings.to_options(), assume_manifest=self.served_path)

    def served(self, document: ParsedDocument) -> bool:
        """Whether the server answers for the document: its path says so, or its ``type`` is a Copilot one."""
        return self.served_if(kinds.declares_copilot_type(document.root))

    def served_if(self, declares_copilot_type: bool) -> bool:
        """:meth:`served`, the test of the tree's ``type`` made elsewhere (the helper process)."""
        return self.served_path or declares_copilot_type


class Checked:
    """The answer for a snapshot: its findings, its analysis and whether the document is served.

    The worker thread answers with the whole analysis. The helper process of a bulk open answers with
    the findings alone (:meth:`answered`): pickling a 1,500-line manifest's tree there and unpickling it
    here took longer than parsing the text, and most documents of a burst are never read again before
    their entry is trimmed. Their tree is parsed on the event loop when something first reads
    :attr:`analysis`.
    """

    __slots__ = ("snapshot", "served", "findings", "complete", "_kind", "_analysis")

    def __init__(self, snapshot: Snapshot, analysis: Analysis, served: bool) -> None:
        self.snapshot = snapshot
        self.served = served
        self.findings: list[Finding] = analysis.findings
        self.complete = analysis.document.complete
        """The text parsed without a syntax error."""
        self._kind = analysis.kind
        self._analysis: Analysis | None = analysis

    @classmethod
    def answered(
        cls, snapshot: Snapshot, kind: str | None, findings: list[Finding], *, complete: bool, served: bool
    ) -> Checked:
        """An answer without its tree (the helper process's)."""
        checked = cls.__new__(cls)
        checked.snapshot, checked.served, checked.findings = snapshot, served, findings
        checked.complete, checked._kind, checked._analysis = complete, kind, None
        return checked

    @property
    def analysis(self) -> Analysis:
        """The analysis, its tree parsed now if the answer came without it (event loop only)."""
        if self._analysis is None:
            self._analysis = Analysis(safe_parse(self.snapshot.text), self._kind, self.findings)
        return self._analysis

    @property
    def parsed_analysis(self) -> Analysis | None:
        """The analysis when its tree is held already; None where reading :attr:`analysis` would parse."""
        return self._analysis


class Parsed(NamedTuple):
    """An open document's tree, without waiting for its checks (completion, hover, navigation)."""

    document: ParsedDocument
    served: bool
    """The document is a Copilot manifest the server answers for (its path or its ``type``)."""


@dataclass
class _Entry:
    parsed: tuple[str, ParsedDocument] | None = None
    checked: Checked | None = None
    last_complete: ParsedDocument | Checked | None = None
    """The newest tree without a syntax error (or the answer to parse it from): completion reads names from
    it while a line is half typed."""


class Earlier(NamedTuple):
    """What the newest check of a document may start from: its latest tree (an incremental parse shares
    what the edit left alone) and its latest analysis (whose rule runs hold where their reads are shared)."""

    tree: ParsedDocument | None
    analysis: Analysis | None


NOTHING_EARLIER = Earlier(None, None)


class DocumentCaches:
    """Per-URI parses and analyses, bounded by :data:`TREE_BUDGET_CHARS`; event loop only."""

    def __init__(self, budget_chars: int = TREE_BUDGET_CHARS) -> None:
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._budget = budget_chars

    def _entry(self, uri: str) -> _Entry:
        entry = self._entries.get(uri)
        if entry is None:
            entry = self._entries[uri] = _Entry()
        self._entries.move_to_end(uri)
        return entry

    def parsed(self, uri: str, text: str) -> ParsedDocument | None:
        """The tree of exactly ``text`` when it is cached."""
        entry = self._entries.get(uri)
        if entry is not None and entry.parsed is not None and entry.parsed[0] is text:
            self._entries.move_to_end(uri)
            return entry.parsed[1]
        if entry is not None and entry.checked is not None and entry.checked.snapshot.text is text:
            self._entries.move_to_end(uri)
            return entry.checked.analysis.document
        return None

    def store_parsed(self, uri: str, text: str, document: ParsedDocument, served: bool) -> None:
        entry = self._entry(uri)
        entry.parsed = (text, document)
        if served and document.complete:
            entry.last_complete = document
        self._trim()

    def checked(self, snapshot: Snapshot) -> Checked | None:
        entry = self._entries.get(snapshot.uri)
        if entry is not None and entry.checked is not None and entry.checked.snapshot.same_input(snapshot):
            self._entries.move_to_end(snapshot.uri)
            return entry.checked
        return None

    def store_checked(self, checked: Checked) -> None:
        uri = checked.snapshot.uri
        entry = self._entry(uri)
        entry.checked = checked
        if entry.parsed is not None and entry.parsed[0] is not checked.snapshot.text:
            entry.parsed = None
        if checked.served and checked.complete:
            held = checked.parsed_analysis
            entry.last_complete = held.document if held is not None else checked
        self._trim()

    def earlier(self, uri: str) -> Earlier:
        entry = self._entries.get(uri)
        if entry is None:
            return NOTHING_EARLIER
        analysis = entry.checked.parsed_analysis if entry.checked is not None else None
        tree = entry.parsed[1] if entry.parsed is not None else analysis.document if analysis else None
        return Earlier(tree, analysis)

    def last_complete(self, uri: str) -> ParsedDocument | None:
        entry = self._entries.get(uri)
        held = entry.last_complete if entry is not None else None
        return held.analysis.document if isinstance(held, Checked) else held

    def forget(self, uri: str) -> None:
        self._entries.pop(uri, None)

    def uris(self) -> list[str]:
        return list(self._entries)

    def held_chars(self) -> int:
        return sum(_chars(entry) for entry in self._entries.values())

    def _trim(self) -> None:
        """Drop the trees of the documents used longest ago until the rest fit the budget.

        The newest entry always stays, however large: it is the one being edited.
        """
        total = self.held_chars()
        while total > self._budget and len(self._entries) > 1:
            uri, entry = next(iter(self._entries.items()))
            total -= _chars(entry)
            del self._entries[uri]


def _chars(entry: _Entry) -> int:
    """The characters of the texts whose trees the entry holds (or may parse), each text counted once."""
    held = [entry.checked.snapshot.text] if entry.checked is not None else []
    if entry.parsed is not None:
        held.append(entry.parsed[0])
    last = entry.last_complete
    if last is not None:
        held.append(last.snapshot.text if isinstance(last, Checked) else last.text)
    return sum(len(text) for text in {id(text): text for text in held}.values())

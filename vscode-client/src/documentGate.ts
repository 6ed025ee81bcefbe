/**
 * Sends the server exactly the documents it serves (see documents.ts).
 *
 * A static document selector cannot look inside a file, and the server also serves YAML outside
 * `copilot/` whose top-level `type` names a Copilot kind. So the client's selector is wide (the
 * manifest globs plus YAML files on disk and untitled), and this middleware narrows it: `didOpen`
 * only for served documents; a document that becomes served while it is edited (its `type:` line
 * typed) is opened on the server then; changes, saves, closes and every document request
 * (completion, hover, code lens, ...) only for documents the server has open.
 */

import * as vscode from "vscode";
import { DidOpenTextDocumentNotification, type LanguageClient, type Middleware } from "vscode-languageclient/node";

import { MANIFEST_GLOBS, isServed } from "./documents";

/** The client's document selector: wider than what is sent (the gate decides). */
export const CLIENT_SELECTOR: { scheme: string; language?: string; pattern?: string }[] = [
  ...MANIFEST_GLOBS.map((pattern) => ({ scheme: "file", pattern })),
  { scheme: "file", language: "yaml" },
  { scheme: "untitled", language: "yaml" },
];

/** Middleware hooks whose first argument is the document; gated on "the server has it open". */
const DOCUMENT_REQUESTS = [
  "provideCodeActions", "provideCodeLenses", "provideCompletionItem", "provideDeclaration", "provideDefinition",
  "provideDocumentColors", "provideDocumentFormattingEdits", "provideDocumentHighlights", "provideDocumentLinks",
  "provideDocumentRangeFormattingEdits", "provideDocumentRangesFormattingEdits", "provideDocumentRangeSemanticTokens",
  "provideDocumentSemanticTokens", "provideDocumentSemanticTokensEdits", "provideDocumentSymbols",
  "provideFoldingRanges", "provideHover", "provideImplementation", "provideInlayHints", "provideInlineCompletionItems",
  "provideInlineValues", "provideLinkedEditingRange", "provideOnTypeFormattingEdits", "provideReferences",
  "provideRenameEdits", "prepareRename", "provideSelectionRanges", "provideSignatureHelp", "provideTypeDefinition",
  "prepareCallHierarchy", "prepareTypeHierarchy",
] as const;

export class DocumentGate {
  /** URIs the server has open (reset with each client). */
  private readonly open = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the set of documents sent to the server changes. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly typeLine: RegExp,
    private readonly client: () => LanguageClient | undefined,
  ) {}

  /** Whether the server serves this document (by path, or by its `type:` line). */
  serves(document: vscode.TextDocument): boolean {
    return isServed(
      { scheme: document.uri.scheme, path: document.uri.fsPath, languageId: document.languageId, text: () => document.getText() },
      this.typeLine,
    );
  }

  isOpen(uri: vscode.Uri): boolean {
    return this.open.has(uri.toString());
  }

  /** The documents the server has open. */
  openUris(): vscode.Uri[] {
    return [...this.open].map((u) => vscode.Uri.parse(u));
  }

  reset(): void {
    this.open.clear();
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }

  private markOpen(document: vscode.TextDocument): void {
    this.open.add(document.uri.toString());
    this.changed.fire();
  }

  middleware(): Middleware {
    const gated: Record<string, unknown> = {};
    for (const name of DOCUMENT_REQUESTS) {
      gated[name] = (document: vscode.TextDocument, ...rest: unknown[]) => {
        const next = rest[rest.length - 1] as (...args: unknown[]) => unknown;
        return this.isOpen(document.uri) ? next(document, ...rest.slice(0, -1)) : undefined;
      };
    }
    const hooks: Middleware = {
      didOpen: async (document, next) => {
        if (this.serves(document)) {
          this.markOpen(document);
          await next(document);
        }
      },
      didChange: async (event, next) => {
        if (this.isOpen(event.document.uri)) {
          await next(event);
        } else if (this.serves(event.document)) {
          // Became a manifest while typing: open it now, with its current text and version.
          const client = this.client();
          if (client) {
            this.markOpen(event.document);
            await client.sendNotification(
              DidOpenTextDocumentNotification.type,
              client.code2ProtocolConverter.asOpenTextDocumentParams(event.document),
            );
          }
        }
      },
      didClose: async (document, next) => {
        if (this.open.delete(document.uri.toString())) {
          this.changed.fire();
          await next(document);
        }
      },
      didSave: async (document, next) => {
        if (this.isOpen(document.uri)) {
          await next(document);
        }
      },
      willSave: async (event, next) => {
        if (this.isOpen(event.document.uri)) {
          await next(event);
        }
      },
      willSaveWaitUntil: (event, next) => (this.isOpen(event.document.uri) ? next(event) : Promise.resolve([])),
    };
    return { ...(gated as Middleware), ...hooks };
  }
}

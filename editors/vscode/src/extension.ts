// The dynlens VS Code extension: starts the `dynlens` language server next to rust-analyzer,
// passes it the user's settings, and adds the "Show vtable expansion" preview.
//
// Everything Rust-specific happens in the server; this file only finds the binary, keeps the
// client alive, and turns the custom `dynlens/expandTrait` request into a read-only tab.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  CloseAction,
  CloseHandlerResult,
  DidChangeConfigurationNotification,
  ErrorAction,
  ErrorHandler,
  ErrorHandlerResult,
  LanguageClient,
  LanguageClientOptions,
  Message,
  RequestType,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  TextDocumentPositionParams,
} from 'vscode-languageclient/node';

/** Result of the custom request `dynlens/expandTrait` (the server's `server/lsp/src/server.rs`). */
interface ExpandTraitResult {
  traitName: string;
  text: string;
  title: string;
}

const expandTraitRequest = new RequestType<TextDocumentPositionParams, ExpandTraitResult | null, void>(
  'dynlens/expandTrait',
);

/** URI scheme of the read-only expansion previews. */
const EXPANSION_SCHEME = 'dynlens-expansion';

/** Crashes tolerated within {@link CRASH_WINDOW_MS} before we stop restarting by ourselves. */
const MAX_AUTOMATIC_RESTARTS = 3;
const CRASH_WINDOW_MS = 3 * 60 * 1000;

/** Where a server binary was found, for the log and for error messages. */
interface ServerBinary {
  path: string;
  source: 'setting' | 'PATH' | 'bundled';
}

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let context: vscode.ExtensionContext;
/** Serializes start/stop so that a restart during a start cannot leave two servers running. */
let lifecycle: Promise<void> = Promise.resolve();

/** Texts of the expansion previews, by URI; the content provider serves them. */
const expansions = new Map<string, string>();
const expansionChanged = new vscode.EventEmitter<vscode.Uri>();

export async function activate(ctx: vscode.ExtensionContext): Promise<void> {
  context = ctx;
  output = vscode.window.createOutputChannel('dynlens');
  ctx.subscriptions.push(output, expansionChanged);

  ctx.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(EXPANSION_SCHEME, {
      onDidChange: expansionChanged.event,
      provideTextDocumentContent: (uri) => expansions.get(uri.toString()) ?? '',
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      if (doc.uri.scheme === EXPANSION_SCHEME) expansions.delete(doc.uri.toString());
    }),
    vscode.commands.registerCommand('dynlens.showExpansion', showExpansion),
    vscode.commands.registerCommand('dynlens.restartServer', () => restart('restart requested')),
    vscode.commands.registerCommand('dynlens.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration(onConfigurationChanged),
    vscode.workspace.onDidGrantWorkspaceTrust(() => restart('workspace trusted: user settings may change the server path')),
  );

  await restart('activation');
}

export async function deactivate(): Promise<void> {
  await enqueue(stopClient);
}

function log(message: string): void {
  output.appendLine(`[${new Date().toISOString()}] ${message}`);
}

function enqueue(step: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(step, step);
  return lifecycle;
}

function restart(reason: string): Promise<void> {
  return enqueue(async () => {
    log(`(re)starting the server: ${reason}`);
    await stopClient();
    await startClient();
  });
}

async function stopClient(): Promise<void> {
  const old = client;
  client = undefined;
  if (!old) return;
  try {
    if (old.state !== State.Stopped) await old.stop(2000);
  } catch (err) {
    log(`stopping the old server failed (ignored): ${String(err)}`);
  }
  try {
    await old.dispose();
  } catch {
    // Already disposed or never started: nothing to release.
  }
}

/** The settings object the server reads (`server/lsp/src/settings.rs`): `{ dynlens: { diagnostics, hover, dynStar } }`. */
function serverSettings(): object {
  const cfg = vscode.workspace.getConfiguration('dynlens');
  const detail = cfg.get<string>('hover.detail', 'full');
  return {
    dynlens: {
      diagnostics: { enable: cfg.get<boolean>('diagnostics.enable', true) },
      hover: { detail: detail === 'compact' ? 'compact' : 'full' },
      dynStar: { enable: cfg.get<boolean>('dynStar.enable', true) },
    },
  };
}

function onConfigurationChanged(event: vscode.ConfigurationChangeEvent): void {
  if (!event.affectsConfiguration('dynlens')) return;
  if (event.affectsConfiguration('dynlens.server.path')) {
    void restart('dynlens.server.path changed');
    return;
  }
  // trace.server is read by vscode-languageclient itself; the rest goes to the server.
  if (client && client.state === State.Running) {
    const settings = serverSettings();
    log(`settings changed: ${JSON.stringify(settings)}`);
    void client
      .sendNotification(DidChangeConfigurationNotification.type, { settings })
      .catch((err) => log(`could not send the new settings: ${String(err)}`));
  }
}

function expandHome(p: string): string {
  if (p === '~') return os.homedir();
  if (p.startsWith('~/')) return path.join(os.homedir(), p.slice(2));
  return p;
}

function isExecutableFile(p: string): boolean {
  try {
    if (!fs.statSync(p).isFile()) return false;
    if (process.platform !== 'win32') fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string): string | undefined {
  const exts = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE').split(';') : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * The setting `dynlens.server.path`, then `dynlens` on PATH, then the binary bundled in the
 * .vsix. In an untrusted workspace the workspace's value of the setting is ignored: a folder
 * someone sent you must not choose which program runs.
 */
function findServer(): { binary?: ServerBinary; tried: string[] } {
  const tried: string[] = [];
  const inspected = vscode.workspace.getConfiguration('dynlens').inspect<string | null>('server.path');
  const configured = vscode.workspace.isTrusted
    ? vscode.workspace.getConfiguration('dynlens').get<string | null>('server.path')
    : inspected?.globalValue;
  if (configured && configured.trim() !== '') {
    const p = expandHome(configured.trim());
    // An explicit setting that is wrong is an error to report, not a reason to run another binary.
    if (isExecutableFile(p)) return { binary: { path: p, source: 'setting' }, tried };
    tried.push(`dynlens.server.path = ${p} (not an executable file)`);
    return { tried };
  }
  tried.push('dynlens.server.path (unset)');
  const onPath = findOnPath('dynlens');
  if (onPath) return { binary: { path: onPath, source: 'PATH' }, tried };
  tried.push('`dynlens` on PATH');
  const bundled = context.asAbsolutePath(path.join('server', process.platform === 'win32' ? 'dynlens.exe' : 'dynlens'));
  if (!isExecutableFile(bundled) && fs.existsSync(bundled) && process.platform !== 'win32') {
    // An unpacker that dropped the executable bit: the file is ours, restore it.
    try {
      fs.chmodSync(bundled, 0o755);
    } catch (err) {
      log(`could not make ${bundled} executable: ${String(err)}`);
    }
  }
  if (isExecutableFile(bundled)) return { binary: { path: bundled, source: 'bundled' }, tried };
  tried.push(`bundled binary ${bundled}`);
  return { tried };
}

async function offerRestart(message: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(message, 'Restart', 'Open Settings', 'Show Output');
  if (choice === 'Restart') await vscode.commands.executeCommand('dynlens.restartServer');
  else if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'dynlens.server');
  else if (choice === 'Show Output') output.show(true);
}

/** Restarts after a crash a few times, then stops and says so, with a Restart button. */
class CrashHandler implements ErrorHandler {
  private crashes: number[] = [];

  constructor(private readonly binary: ServerBinary) {}

  error(error: Error, message: Message | undefined, count: number | undefined): ErrorHandlerResult {
    log(`connection error (${count ?? 0}): ${error.message}${message ? ` on ${JSON.stringify(message)}` : ''}`);
    if (count !== undefined && count <= 3) return { action: ErrorAction.Continue };
    return { action: ErrorAction.Shutdown };
  }

  closed(): CloseHandlerResult {
    const now = Date.now();
    this.crashes = this.crashes.filter((t) => now - t < CRASH_WINDOW_MS);
    this.crashes.push(now);
    if (this.crashes.length <= MAX_AUTOMATIC_RESTARTS) {
      log(`the server (${this.binary.path}) exited unexpectedly; restarting (${this.crashes.length}/${MAX_AUTOMATIC_RESTARTS})`);
      return { action: CloseAction.Restart, handled: true };
    }
    log(`the server crashed ${this.crashes.length} times in 3 minutes; not restarting it automatically`);
    void offerRestart(
      `dynlens: the server (${this.binary.path}) crashed ${this.crashes.length} times in 3 minutes and was stopped. ` +
        'See the "dynlens" output for its last messages.',
    );
    return { action: CloseAction.DoNotRestart, handled: true };
  }
}

async function startClient(): Promise<void> {
  const { binary, tried } = findServer();
  if (!binary) {
    log(`no server binary found; tried: ${tried.join('; ')}`);
    void offerRestart(
      'dynlens: the language server binary was not found. Tried: ' +
        tried.join('; ') +
        '. Install it (`cargo install --path server` in the dynlens repository) or set `dynlens.server.path`.',
    );
    return;
  }
  log(`using ${binary.path} (from ${binary.source})`);

  // No `transport` on purpose: TransportKind.stdio would append `--stdio` to the arguments,
  // which `dynlens lsp` does not take. Without it the client still talks over stdio.
  const serverOptions: ServerOptions = {
    run: { command: binary.path, args: ['lsp'] },
    debug: { command: binary.path, args: ['lsp'] },
  };
  const clientOptions: LanguageClientOptions = {
    // Files on disk and unsaved buffers; not our own expansion previews.
    documentSelector: [
      { scheme: 'file', language: 'rust' },
      { scheme: 'untitled', language: 'rust' },
    ],
    initializationOptions: serverSettings(),
    outputChannel: output,
    traceOutputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    errorHandler: new CrashHandler(binary),
    initializationFailedHandler: (error) => {
      log(`initialization failed: ${String(error)}`);
      void offerRestart(`dynlens: the server (${binary.path}) failed to start: ${String(error)}`);
      return false;
    },
  };

  const c = new LanguageClient('dynlens', 'dynlens', serverOptions, clientOptions);
  client = c;
  try {
    await c.start();
    log('server started');
  } catch (err) {
    log(`could not start ${binary.path}: ${String(err)}`);
    void offerRestart(`dynlens: could not start the server (${binary.path}): ${String(err)}`);
  }
}

/** Runs `dynlens/expandTrait` at the cursor and opens the result in a read-only preview tab. */
async function showExpansion(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'rust') {
    void vscode.window.showInformationMessage('dynlens: put the cursor on a trait in a Rust file first.');
    return;
  }
  const c = client;
  if (!c || c.state !== State.Running) {
    void offerRestart('dynlens: the server is not running.');
    return;
  }
  const params: TextDocumentPositionParams = {
    textDocument: c.code2ProtocolConverter.asTextDocumentIdentifier(editor.document),
    position: c.code2ProtocolConverter.asPosition(editor.selection.active),
  };
  let result: ExpandTraitResult | null;
  try {
    result = await c.sendRequest(expandTraitRequest, params);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    log(`dynlens/expandTrait failed: ${msg}`);
    void vscode.window.showErrorMessage(`dynlens: could not expand the trait: ${msg}`);
    return;
  }
  if (!result) {
    void vscode.window.showInformationMessage('dynlens: there is no trait at the cursor.');
    return;
  }
  // One document per trait: running the command again refreshes the same tab.
  const uri = vscode.Uri.from({
    scheme: EXPANSION_SCHEME,
    path: `/${result.traitName} vtable expansion.rs`,
    query: editor.document.uri.toString(),
  });
  expansions.set(uri.toString(), result.text);
  expansionChanged.fire(uri);
  const doc = await vscode.workspace.openTextDocument(uri);
  if (doc.languageId !== 'rust') await vscode.languages.setTextDocumentLanguage(doc, 'rust');
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside, preserveFocus: false });
  log(`expansion shown: ${result.title}`);
}

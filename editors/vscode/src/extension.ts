// Starts `govc lsp` over stdio for `.gov` files. Everything language-aware (diagnostics,
// completion, hover, formatting, ...) comes from the server; the extension only launches it,
// restarts it when `govc.path` changes, and offers a restart command.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

function serverPath(): string {
  const configured = vscode.workspace.getConfiguration("govc").get<string>("path");
  const path = configured?.trim();
  return path ? path : "govc";
}

function createClient(output: vscode.OutputChannel): LanguageClient {
  const command = serverPath();
  const serverOptions: ServerOptions = {
    run: { command, args: ["lsp"], transport: TransportKind.stdio },
    debug: { command, args: ["lsp"], transport: TransportKind.stdio },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "gov" },
      { scheme: "untitled", language: "gov" },
    ],
    outputChannel: output,
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.gov"),
    },
  };
  // The id "govc" makes the client read its trace level from the `govc.trace.server` setting.
  return new LanguageClient("govc", "govc language server", serverOptions, clientOptions);
}

async function start(output: vscode.OutputChannel): Promise<void> {
  client = createClient(output);
  try {
    await client.start();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    void vscode.window
      .showErrorMessage(
        `govc: could not start \`${serverPath()} lsp\` (${message}). Set "govc.path" to the govc binary.`,
        "Open settings",
      )
      .then((choice) => {
        if (choice === "Open settings") {
          void vscode.commands.executeCommand("workbench.action.openSettings", "govc.path");
        }
      });
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop();
    } catch {
      // A server that never started cannot be stopped; nothing to clean up.
    }
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("govc");
  context.subscriptions.push(output);

  context.subscriptions.push(
    vscode.commands.registerCommand("govc.restartServer", async () => {
      await stop();
      await start(output);
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("govc.path")) {
        await stop();
        await start(output);
      }
    }),
  );

  await start(output);
}

export async function deactivate(): Promise<void> {
  await stop();
}

/**
 * The pages of every webview (pipeline graph, run, compare): a strict Content Security Policy
 * (`default-src 'none'`, styles and images from the extension's own folders, one script with a nonce), the
 * style sheets from media/, the script from dist/webview/. Nothing inline but the nonce'd script tag;
 * nothing remote.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface PageInput {
  readonly webview: vscode.Webview;
  readonly extensionUri: vscode.Uri;
  readonly title: string;
  /** dist/webview/<script>.js */
  readonly script: string;
  /** media/<style>.css, in order. */
  readonly styles: readonly string[];
  /** Static markup of the body (the script fills it in); already escaped. */
  readonly body: string;
}

/** The folders a webview may load from: the extension's dist/ and media/. */
export function localResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function webviewPage(input: PageInput): string {
  const { webview, extensionUri } = input;
  const nonce = randomBytes(18).toString('base64');
  const csp = [`default-src 'none'`, `img-src ${webview.cspSource}`, `style-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
  const styles = input.styles.map((name) => `  <link rel="stylesheet" href="${escapeHtml(webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', name)).toString())}">`).join('\n');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', input.script)).toString();
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
  <title>${escapeHtml(input.title)}</title>
</head>
<body>
${input.body}
  <script nonce="${escapeHtml(nonce)}" src="${escapeHtml(script)}"></script>
</body>
</html>
`;
}

/** For text and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

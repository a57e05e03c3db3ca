// Test only (e2e/e2e.mjs): a stand-in for an AI completion plugin. After `const greeting = ` in
// a JavaScript file it offers one inline (ghost text) suggestion, which the e2e accepts word by
// word with Ctrl+Right.
const vscode = require('vscode');

const TRIGGER = 'const greeting = ';
const SUGGESTION = "makeGreeting(name, 'en');";

function activate(context) {
  context.subscriptions.push(
    vscode.languages.registerInlineCompletionItemProvider(
      { language: 'javascript' },
      {
        provideInlineCompletionItems(document, position) {
          const before = document.lineAt(position.line).text.slice(0, position.character);
          if (!before.endsWith(TRIGGER)) return [];
          return [new vscode.InlineCompletionItem(SUGGESTION, new vscode.Range(position, position))];
        },
      },
    ),
  );
}

module.exports = { activate, deactivate() {} };

// The everyday sessions record.mjs plays in code-server: `everyday` (the tuning set) and
// `everyday_h` (held out: the same cases, other files, texts and identifiers). Each is a git
// workspace (`files`, committed; a `feature` branch that changes the main file) and a list of
// steps. A step with a `class` is labelled: each content change it makes gets that class
// (typed, paste and move changes that only remove text are `delete`); a step without one must
// make no content change.
//
// The cases (each with plain typing around it):
//   1. formatting: Format Document on a badly formatted .json and .ts/.js file, Sort Lines
//      Ascending on a block, Reindent Lines (all `editor`);
//   2. lines of a workspace file never opened in the editor, put on the clipboard as a terminal
//      `cat` would give them, pasted (`move`); a paste of text found nowhere in the workspace
//      (`paste`);
//   3. ~80 typed characters, a ~300-character paste, undo, redo, undo (`undo`);
//   4. `git checkout -- FILE` of the open file after typing and saving, a `git merge` of a
//      branch that changes it (`vcs`), and ~2.5 s later a shell "agent" that writes a new file
//      and appends to the open file (`agent`).

const lines = (text, from, to) =>
  text
    .split('\n')
    .slice(from - 1, to)
    .map((l) => l + '\n')
    .join('');

// ---------------------------------------------------------------- everyday (tuning)

const A_APP = `// Shopping cart helpers.
const TAX_RATE = 0.2;

const FRUIT = [
  'pear',
  'apple',
  'plum',
  'cherry',
  'banana',
];

function subtotal(items) {
let sum = 0;
    for (const item of items) {
          sum += item.price * item.qty;
  }
      return sum;
}

function withTax(amount) {
  return amount * (1 + TAX_RATE);
}

module.exports = { subtotal, withTax, FRUIT };
`;

const A_PRICING = `// Price formatting shared by the shop pages.
function roundCents(value) {
  return Math.round(value * 100) / 100;
}

function formatPrice(value, currency) {
  return \`\${roundCents(value).toFixed(2)} \${currency}\`;
}

module.exports = { roundCents, formatPrice };
`;

const A_STOCK = `const LOW = 3;

function lowStock(stock) {
  return Object.keys(stock).filter((name) => stock[name] <= LOW);
}

module.exports = { lowStock };
`;

const A_DISCOUNT = `export interface Discount{code:string;percent:number}
export function applyDiscount(total:number,d:Discount):number{
if(d.percent<=0){return total}
        return total*(1-d.percent/100)
}
`;

const A_SETTINGS = `{"currency":"EUR","shipping":{"flat":4.5,"freeAbove":50},"regions":["eu","uk"],"debug":false}
`;

const A_WEEKEND = `function isWeekend(date) {
  const day = date.getDay();
  return day === 0 || day === 6;
}
`;

const A_COUPON = `function parseCoupon(code) {
  const match = /^([A-Z]+)-(\\d{1,2})$/.exec(code.trim());
  if (!match) {
    throw new Error(\`not a coupon: \${code}\`);
  }
  const [, name, percent] = match;
  return { name: name.toLowerCase(), percent: Number(percent), expires: null };
}
`;

export const everyday = {
  name: 'everyday',
  seed: 11,
  main: 'src/app.js',
  files: {
    'README.md': '# shop\n\nCart and pricing helpers for the shop pages.\n',
    'src/app.js': A_APP,
    'src/discount.ts': A_DISCOUNT,
    'config/settings.json': A_SETTINGS,
    'lib/pricing.js': A_PRICING,
    'lib/stock.js': A_STOCK,
  },
  // the feature branch: a new tax rate (line 2 of the main file)
  feature: { file: 'src/app.js', text: A_APP.replace('const TAX_RATE = 0.2;', 'const TAX_RATE = 0.21; // from 2027'), message: 'tax rate from 2027' },
  agent: {
    newFile: 'src/coupons.js',
    newText: "const COUPONS = ['SPRING-10', 'MEMBER-15'];\n\nmodule.exports = { COUPONS };\n",
    append: '\n// agent: export shipping for the checkout page\nmodule.exports.shipping = shipping;\n',
  },
  steps: [
    { open: 'src/app.js' },
    { key: 'Control+End' },
    { type: '\nfunction shipping(total) {\nreturn total >= 50 ? 0 : 4.5;\n}\n', class: 'typed', action: 'type shipping()' },
    { gotoLine: 5 },
    { selectLines: 5 },
    { command: 'Sort Lines Ascending', class: 'editor', action: 'Sort Lines Ascending on the five FRUIT entries' },
    { command: 'Reindent Lines', class: 'editor', action: 'Reindent Lines (fixes subtotal())' },
    { key: 'Control+End' },
    { type: '\nconst cart = [];\n', class: 'typed', action: 'typing' },
    { paste: lines(A_PRICING, 2, 8), class: 'move', action: 'paste lines 2-8 of lib/pricing.js (never opened; copied from a terminal cat)' },
    { type: "\nconst shown = formatPrice(withTax(12), 'EUR');\n", class: 'typed', action: 'typing' },
    { paste: A_WEEKEND, class: 'paste', action: 'paste isWeekend(), found nowhere in the workspace' },
    { type: "\nconst greeting = 'Thanks for shopping';\nconsole.log(greeting, shipping(30));\n", class: 'typed', action: 'type ~80 characters before the paste that is undone' },
    { paste: A_COUPON, class: 'paste', action: 'paste parseCoupon() (~300 characters, new text)' },
    { key: 'Control+Z', class: 'undo', action: 'undo the paste (Ctrl+Z)' },
    { key: 'Control+Shift+Z', class: 'undo', action: 'redo the paste (Ctrl+Shift+Z)' },
    { key: 'Control+Z', class: 'undo', action: 'undo the paste again (Ctrl+Z)' },
    { open: 'config/settings.json' },
    { gotoLine: 1 },
    { key: 'End' },
    { key: 'ArrowLeft' },
    { type: ',"locale":"en-GB"', class: 'typed', action: 'typing in the one-line JSON' },
    { command: 'Format Document', class: 'editor', action: 'Format Document (built-in JSON formatter)' },
    { save: true },
    { open: 'src/discount.ts' },
    { key: 'Control+End' },
    { type: "export const NONE:Discount={code:'',percent:0}\n", class: 'typed', action: 'typing' },
    { command: 'Format Document', class: 'editor', action: 'Format Document (built-in TypeScript formatter)' },
    { save: true },
    { open: 'src/app.js' },
    { key: 'Control+End' },
    { type: '// TODO: free shipping for members\n', class: 'typed', action: 'typing' },
    { save: true },
    { git: ['checkout', '--', 'src/app.js'], class: 'vcs', action: 'git checkout -- src/app.js (VS Code reloads it)' },
    { key: 'Control+End' },
    { type: '\nfunction itemCount(items) {\nreturn items.length;\n}\n', class: 'typed', action: 'typing' },
    { save: true },
    { git: ['commit', '-qam', 'count items'] },
    { merge: 'feature', class: 'vcs', action: 'git merge feature (changes TAX_RATE; VS Code reloads)', agentClass: 'agent', agentAction: 'a shell agent appends to src/app.js 2.5 s after the merge (VS Code reloads)' },
    { key: 'Control+End' },
    { type: '// done for today\n', class: 'typed', action: 'typing' },
    { save: true },
  ],
};

// ---------------------------------------------------------------- everyday_h (held out)

const B_STATION = `import { Reading } from './types';
import { median } from './stats';
import { celsius } from '../lib/convert';
import { alert } from './alerts';

export const STATION_ID = 'north-ridge';

export function summarize(readings: Reading[]): string {
const temps = readings.map((r) => celsius(r.fahrenheit));
      if (temps.length === 0) {
  return 'no data';
        }
    return \`median \${median(temps)}\`;
}

export function warn(value: number): void {
  if (value > 40) {
    alert(\`hot: \${value}\`);
  }
}
`;

const B_CONVERT = `// Unit conversions for the station readings.
export function celsius(fahrenheit: number): number {
  return ((fahrenheit - 32) * 5) / 9;
}

export function knots(kmh: number): number {
  return kmh / 1.852;
}
`;

const B_TYPES = `export interface Reading {
  fahrenheit: number;
  windKmh: number;
  at: Date;
}
`;

const B_STATS = `export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
`;

const B_ALERTS = `export function alert(message: string): void {
  console.warn(\`[station] \${message}\`);
}
`;

const B_BUILD = `const fs=require('fs')
function copy(src,dst){
fs.copyFileSync(src,dst)
     console.log('copied',src,'->',dst)}
module.exports={copy}
`;

const B_UNITS = `{"units":{"temp":"C","wind":"km/h"},"stations":["north-ridge","lakeside"],"intervalSec":300,"retry":{"count":3,"delayMs":500}}
`;

const B_DEW = `export function dewPoint(temp: number, humidity: number): number {
  const g = (17.27 * temp) / (237.7 + temp) + Math.log(humidity / 100);
  return (237.7 * g) / (17.27 - g);
}
`;

const B_CHILL = `export function windChill(tempC: number, windKmh: number): number {
  if (tempC > 10 || windKmh < 4.8) {
    return tempC;
  }
  const v = Math.pow(windKmh, 0.16);
  return 13.12 + 0.6215 * tempC - 11.37 * v + 0.3965 * tempC * v;
}
`;

export const everyday_h = {
  name: 'everyday_h',
  seed: 29,
  main: 'src/station.ts',
  files: {
    'README.md': '# weather station\n\nReads the sensors and summarizes them.\n',
    'src/station.ts': B_STATION,
    'src/types.ts': B_TYPES,
    'src/stats.ts': B_STATS,
    'src/alerts.ts': B_ALERTS,
    'lib/convert.ts': B_CONVERT,
    'scripts/build.js': B_BUILD,
    'data/units.json': B_UNITS,
  },
  // the feature branch: the station is renamed (line 6 of the main file)
  feature: { file: 'src/station.ts', text: B_STATION.replace("'north-ridge'", "'north-ridge-2' // moved in March"), message: 'rename the station' },
  agent: {
    newFile: 'src/forecast.ts',
    newText: "export function forecast(): string {\n  return 'unsettled';\n}\n",
    append: "\n// added by the agent: the schema version the dashboard reads\nexport const SCHEMA_VERSION = 2;\n",
  },
  steps: [
    { open: 'src/station.ts' },
    { key: 'Control+End' },
    { type: '\nexport function isFreezing(c: number): boolean {\nreturn c <= 0;\n}\n', class: 'typed', action: 'type isFreezing()' },
    { gotoLine: 1 },
    { selectLines: 4 },
    { command: 'Sort Lines Ascending', class: 'editor', action: 'Sort Lines Ascending on the four imports' },
    { command: 'Reindent Lines', class: 'editor', action: 'Reindent Lines (fixes summarize())' },
    { key: 'Control+End' },
    { type: '\nconst recent: Reading[] = [];\n', class: 'typed', action: 'typing' },
    { paste: lines(B_CONVERT, 6, 8), class: 'move', action: 'paste lines 6-8 of lib/convert.ts (never opened; copied from a terminal cat)' },
    { type: '\nexport const gust = knots(62);\n', class: 'typed', action: 'typing' },
    { paste: B_DEW, class: 'paste', action: 'paste dewPoint(), found nowhere in the workspace' },
    { type: '\nconst label = `station ${STATION_ID}`;\nconsole.log(label.toUpperCase(), recent);\n', class: 'typed', action: 'type ~80 characters before the paste that is undone' },
    { paste: B_CHILL, class: 'paste', action: 'paste windChill() (~300 characters, new text)' },
    { key: 'Control+Z', class: 'undo', action: 'undo the paste (Ctrl+Z)' },
    { key: 'Control+Shift+Z', class: 'undo', action: 'redo the paste (Ctrl+Shift+Z)' },
    { key: 'Control+Z', class: 'undo', action: 'undo the paste again (Ctrl+Z)' },
    { open: 'data/units.json' },
    { gotoLine: 1 },
    { key: 'End' },
    { key: 'ArrowLeft' },
    { type: ',"timezone":"UTC"', class: 'typed', action: 'typing in the one-line JSON' },
    { command: 'Format Document', class: 'editor', action: 'Format Document (built-in JSON formatter)' },
    { save: true },
    { open: 'scripts/build.js' },
    { key: 'Control+End' },
    { type: "copy('a.txt','b.txt')\n", class: 'typed', action: 'typing' },
    { command: 'Format Document', class: 'editor', action: 'Format Document (built-in TypeScript formatter, on JavaScript)' },
    { save: true },
    { open: 'src/station.ts' },
    { key: 'Control+End' },
    { type: '// FIXME: readings older than a day\n', class: 'typed', action: 'typing' },
    { save: true },
    { git: ['checkout', '--', 'src/station.ts'], class: 'vcs', action: 'git checkout -- src/station.ts (VS Code reloads it)' },
    { key: 'Control+End' },
    { type: '\nexport function spread(xs: number[]): number {\nreturn Math.max(...xs) - Math.min(...xs);\n}\n', class: 'typed', action: 'typing' },
    { save: true },
    { git: ['commit', '-qam', 'spread of readings'] },
    { merge: 'feature', class: 'vcs', action: 'git merge feature (renames the station; VS Code reloads)', agentClass: 'agent', agentAction: 'a shell agent appends to src/station.ts 2.5 s after the merge (VS Code reloads)' },
    { key: 'Control+End' },
    { type: '// next: wind gusts\n', class: 'typed', action: 'typing' },
    { save: true },
  ],
};

// ---------------------------------------------------------------- workday (tuning, fifth round)
// VS Code's own editing commands on the person's code, which keep its content (`editor`) or copy
// it (`move`): Sort Lines Descending, Toggle Line Comment twice, Copy Line
// Down (`move`) and Delete Line, Move Line Up and Down, Transform to Uppercase and back, Join
// Lines, Indent and Outdent Line, Rename Symbol (F2), Format Document; a suggestion taken from the suggest widget
// (Ctrl+Space, Tab: `editor`); lines cut with Ctrl+X and pasted further down (`move`); a chat
// answer pasted (`paste`) and lines of a file never opened (`move`); a typed line undone
// (`undo`); a merge and an agent.

const C_ORDERS = `// Orders for the bakery counter.
const PRICES = {
  rye: 3.2,
  sourdough: 4.5,
  bagel: 1.1,
  croissant: 1.8,
};

function lineTotal(item, qty) {
  return PRICES[item] * qty;
}

function orderTotal(order) {
  let sum = 0;
  for (const [item, qty] of Object.entries(order)) {
    sum += lineTotal(item, qty);
  }
  return sum;
}

const OPENING = 'seven';
const CLOSING = 'three';

module.exports = { lineTotal, orderTotal };
`;

const C_BOXES = `// Boxes the counter packs orders into.
function boxesFor(count, perBox = 6) {
  return Math.ceil(count / perBox);
}

function boxLabel(name, count) {
  return name + ' x' + count;
}
`;

const C_CHAT = `function receipt(order) {
  const lines = Object.entries(order).map(([item, qty]) => item.padEnd(12) + String(qty).padStart(3));
  return lines.join('\\n');
}
`;

export const workday = {
  name: 'workday',
  seed: 53,
  main: 'src/orders.js',
  files: {
    'README.md': '# bakery\n\nOrders and prices for the counter.\n',
    'src/orders.js': C_ORDERS,
    'lib/boxes.js': C_BOXES,
  },
  // the feature branch: the header names the van too (line 1 of the main file)
  feature: { file: 'src/orders.js', text: C_ORDERS.replace('// Orders for the bakery counter.', '// Orders for the bakery counter and the van.'), message: 'the van' },
  agent: {
    newFile: 'src/hours.js',
    newText: "module.exports = { open: '07:00', close: '15:00' };\n",
    append: '\n// agent: the counter closes early on Sundays\nmodule.exports.sundayClose = 13;\n',
  },
  steps: [
    { open: 'src/orders.js' },
    { gotoLine: 3 },
    { selectLines: 4 },
    { command: 'Sort Lines Descending', class: 'editor', action: 'Sort Lines Descending on the four PRICES entries' },
    { gotoLine: 14 },
    { key: 'Control+/', class: 'editor', action: 'Toggle Line Comment' },
    { key: 'Control+/', class: 'editor', action: 'Toggle Line Comment back' },
    { gotoLine: 10 },
    { command: 'Copy Line Down', class: 'move', action: 'Copy Line Down' },
    { key: 'Control+Shift+K', class: 'delete', action: 'Delete Line (the copy)' },
    { gotoLine: 21 },
    { key: 'Alt+ArrowUp', class: 'editor', action: 'Move Line Up' },
    { key: 'Alt+ArrowDown', class: 'editor', action: 'Move Line Down (back)' },
    { gotoLine: '21:18' },
    { key: 'Shift+End' },
    { command: 'Transform to Uppercase', class: 'editor', action: 'Transform to Uppercase on the end of a line' },
    { command: 'Transform to Lowercase', class: 'editor', action: 'Transform to Lowercase (back)' },
    { key: 'Control+End' },
    { type: '\nfunction bagelDeal(qty) {\nreturn Math.floor(qty / 6) * 0.5;\n}\n\nconst dozen = orderT', class: 'typed', action: 'type bagelDeal() and the start of a call' },
    { suggest: 'orderTotal', class: 'editor', action: 'accept orderTotal from the suggest widget (Ctrl+Space, Tab)' },
    { type: '({ rye: 2, bagel: 12 });\nconst late={rye:1};\n', class: 'typed', action: 'typing' },
    { paste: C_CHAT, class: 'paste', action: 'paste receipt() from a chat answer' },
    { type: '\n', class: 'typed', action: 'typing' },
    { paste: C_BOXES.split('\n').slice(1, 4).join('\n') + '\n', class: 'move', action: 'paste boxesFor() from lib/boxes.js (never opened; copied from a terminal cat)' },
    { type: "console.log('debug', dozen);", class: 'typed', action: 'type a debug line' },
    { key: 'Control+Z', class: 'undo', action: 'undo the typed line (Ctrl+Z)' },
    { gotoLine: 21 },
    { selectLines: 2 },
    { key: 'Control+X', class: 'delete', action: 'cut OPENING and CLOSING (Ctrl+X)' },
    { key: 'Control+End' },
    { key: 'Control+V', class: 'move', action: 'paste the cut lines at the end (Ctrl+V)' },
    { gotoLine: 10 },
    { key: 'Control+]', class: 'editor', action: 'Indent Line (Ctrl+])' },
    { key: 'Control+[', class: 'editor', action: 'Outdent Line (Ctrl+[)' },
    { gotoLine: 13 },
    { command: 'Join Lines', class: 'editor', action: 'Join Lines' },
    { gotoLine: '9:12' },
    { rename: 'priceOfLine', class: 'editor', action: 'Rename Symbol (F2) lineTotal to priceOfLine' },
    { command: 'Format Document', class: 'editor', action: 'Format Document (built-in JavaScript formatter)' },
    { save: true },
    { git: ['commit', '-qam', 'bagel deal'] },
    { merge: 'feature', class: 'vcs', action: 'git merge feature (changes the header; VS Code reloads)', agentClass: 'agent', agentAction: 'a shell agent appends to src/orders.js 2.5 s after the merge (VS Code reloads)' },
    { key: 'Control+End' },
    { type: '// counter open\n', class: 'typed', action: 'typing' },
    { save: true },
  ],
};

export const SCENARIOS = { everyday, everyday_h, workday };

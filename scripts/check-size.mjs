// Size limits of docs/DECISIONS.md D22: no source file in src/ or scripts/ over 300 lines, and no
// function there over 60 lines. Part of `npm run lint`; exits 1 when something is over.
//
// - A file's lines are its physical lines, as `wc -l` counts them.
// - A function's lines run from its first token (`function`, `async`, its name or its parameters)
//   to its closing brace, blank lines and comments inside included. Every function counts on its
//   own: declarations, expressions, arrows, methods, accessors, constructors; a function that holds
//   another counts the inner one's lines too.
// - A generated or data file is exempt from both limits when a line of its own says so and why:
//     // size: generated — <why>       (`# size: data — <why>` in a shell script)
//   A marker without a reason is itself a finding.
//
// Usage: node scripts/check-size.mjs [DIR_OR_FILE…]   (default: src scripts)

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, relative } from 'node:path';

// Required, not imported: an ES import of this 9 MB CommonJS file first scans it for export names,
// about half a second of the check's 1.2 s of CPU.
const ts = createRequire(import.meta.url)('typescript');

const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 60;
const DEFAULT_ROOTS = ['src', 'scripts'];

/** Source files whose length counts; those parsed for functions map to their script kind. */
const SCRIPT_KINDS = new Map([
  ['.ts', ts.ScriptKind.TS],
  ['.mts', ts.ScriptKind.TS],
  ['.cts', ts.ScriptKind.TS],
  ['.tsx', ts.ScriptKind.TSX],
  ['.js', ts.ScriptKind.JS],
  ['.mjs', ts.ScriptKind.JS],
  ['.cjs', ts.ScriptKind.JS],
]);
const OTHER_SOURCES = new Set(['.sh', '.java']);

const MARKER = /^\s*(?:\/\/|#)\s*size:\s*(generated|data)\b(.*)$/m;
const REASON = /^\s*[—–:-]+\s*\S/;

/** Every source file under the roots, in a stable order. */
function sourceFiles(roots) {
  const files = [];
  const walk = (path) => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) {
        if (name !== 'node_modules' && !name.startsWith('.')) walk(join(path, name));
      }
    } else if (SCRIPT_KINDS.has(extname(path)) || OTHER_SOURCES.has(extname(path))) {
      files.push(path);
    }
  };
  for (const root of roots) walk(root);
  return files;
}

/** Physical lines, as `wc -l` counts them (a last line without a newline counts too). */
function countLines(text) {
  if (text === '') return 0;
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return text.endsWith('\n') ? lines : lines + 1;
}

/** A readable name for a function: its own, or what it is assigned to, or the call it is given to. */
function functionName(node, sourceFile) {
  const text = (n) => n.getText(sourceFile);
  if (node.name !== undefined) return text(node.name);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) {
    return text(parent.name);
  }
  if (ts.isCallExpression(parent)) {
    const callee = text(parent.expression).replace(/\s+/g, '');
    const title = parent.arguments.find((a) => ts.isStringLiteralLike(a));
    return title === undefined ? `${callee}(…) callback` : `${callee}(${JSON.stringify(title.text)}) callback`;
  }
  if (ts.isExportAssignment(parent)) return 'export default';
  return '(anonymous)';
}

/** Functions of one file longer than the limit: line of the first token, name, lines. */
function longFunctions(path, text) {
  const sourceFile = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, SCRIPT_KINDS.get(extname(path)));
  const found = [];
  const visit = (node) => {
    if (ts.isFunctionLike(node) && node.body !== undefined) {
      const first = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line;
      const last = sourceFile.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > MAX_FUNCTION_LINES) found.push({ line: first + 1, name: functionName(node, sourceFile), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/** Findings of one file, as lines to print. */
function checkFile(path) {
  const text = readFileSync(path, 'utf8');
  const where = relative(process.cwd(), path);
  const marker = MARKER.exec(text);
  if (marker !== null) {
    return REASON.test(marker[2]) ? [] : [`${where}: the "size: ${marker[1]}" marker needs a reason after a dash`];
  }
  const findings = [];
  const lines = countLines(text);
  if (lines > MAX_FILE_LINES) findings.push(`${where}: ${lines} lines (at most ${MAX_FILE_LINES})`);
  if (SCRIPT_KINDS.has(extname(path))) {
    for (const f of longFunctions(path, text)) {
      findings.push(`${where}:${f.line} ${f.name}: ${f.lines} lines (a function: at most ${MAX_FUNCTION_LINES})`);
    }
  }
  return findings;
}

const roots = process.argv.length > 2 ? process.argv.slice(2) : DEFAULT_ROOTS;
const files = sourceFiles(roots);
const findings = files.flatMap(checkFile);
for (const finding of findings) console.log(finding);
if (findings.length > 0) {
  console.log(
    `check-size: ${findings.length} over the limits in ${files.length} source files; split them, or mark a generated` +
      ' or data file with a line `// size: generated — <why>`',
  );
  process.exitCode = 1;
} else {
  console.log(
    `check-size: ${files.length} source files: none over ${MAX_FILE_LINES} lines, no function over ${MAX_FUNCTION_LINES}`,
  );
}

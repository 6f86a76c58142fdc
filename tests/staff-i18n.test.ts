import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { staffEn } from '../src/shared/i18n/staff/en.js';
import { staffTranslator } from '../src/shared/i18n/staff/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const webDir = path.join(root, 'src/web/src');

const sourceFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
const files = sourceFiles(webDir).map((file) => ({
  name: path.relative(root, file),
  text: fs.readFileSync(file, 'utf8'),
}));

/** Words, not punctuation, arrows or a single key letter (`<kbd>j</kbd>`). */
const hasWords = (text: string) => /\p{L}{2}/u.test(text.replace(/&(?:\w+|#\d+);/g, ' '));

/**
 * Attributes a reader meets (spoken or shown), and the props of this app's components that carry text
 * (FormStatus, NotAllowed, TicketList); every other attribute holds ids, classes and values.
 */
const TEXT_ATTRIBUTES = new Set([
  'aria-label',
  'aria-description',
  'title',
  'placeholder',
  'alt',
  'label',
  'success',
  'what',
  'emptyText',
]);
/** Object properties that hold a label in this code base (the inbox views, table columns…). */
const TEXT_PROPERTIES = new Set(['label', 'title', 'text', 'description', 'hint', 'message']);
/** Inside these the text is code or a key name, not language. */
const CODE_ELEMENTS = new Set(['code', 'kbd']);

/** The string literals an expression evaluates to (its branches), not those it passes to calls. */
function literalsOf(node: ts.Expression): ts.Node[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node];
  if (ts.isTemplateExpression(node)) return [node.head, ...node.templateSpans.map((s) => s.literal)];
  if (ts.isParenthesizedExpression(node)) return literalsOf(node.expression);
  if (ts.isConditionalExpression(node)) return [...literalsOf(node.whenTrue), ...literalsOf(node.whenFalse)];
  if (ts.isBinaryExpression(node)) {
    const op = node.operatorToken.kind;
    if (op === ts.SyntaxKind.AmpersandAmpersandToken) return literalsOf(node.right);
    if (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken)
      return [...literalsOf(node.left), ...literalsOf(node.right)];
  }
  return [];
}

const literalText = (node: ts.Node) =>
  ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateLiteralToken(node)
    ? node.text
    : '';

const tagName = (node: ts.Node): string | undefined => {
  if (ts.isJsxElement(node)) return node.openingElement.tagName.getText();
  if (ts.isJsxSelfClosingElement(node)) return node.tagName.getText();
  return undefined;
};

/**
 * English written straight into the staff app: JSX text, reader-facing attributes, string branches
 * of a JSX expression, label-like object properties and confirm()/alert() messages. Limits: a
 * string built elsewhere and passed in through a variable or a component's own prop name is not
 * seen (the property and attribute lists above name the ones this code base uses), and text inside
 * <code>/<kbd> is taken as code.
 */
function untranslated(name: string, text: string): string[] {
  const source = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const report = (node: ts.Node, what: string) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart());
    found.push(`${name}:${line + 1} ${what.trim().replace(/\s+/g, ' ')}`);
  };
  const reportLiterals = (expression: ts.Expression | undefined) => {
    for (const literal of expression ? literalsOf(expression) : []) {
      if (hasWords(literalText(literal))) report(literal, literalText(literal));
    }
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node)) {
      if (hasWords(node.text) && !CODE_ELEMENTS.has(tagName(node.parent) ?? '')) report(node, node.text);
    } else if (ts.isJsxExpression(node) && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))) {
      if (!CODE_ELEMENTS.has(tagName(node.parent) ?? '')) reportLiterals(node.expression);
    } else if (ts.isJsxAttribute(node) && TEXT_ATTRIBUTES.has(node.name.getText())) {
      const value = node.initializer;
      if (value && ts.isStringLiteral(value)) reportLiterals(value);
      else if (value && ts.isJsxExpression(value)) reportLiterals(value.expression);
    } else if (ts.isPropertyAssignment(node) && TEXT_PROPERTIES.has(node.name.getText())) {
      reportLiterals(node.initializer);
    } else if (
      ts.isCallExpression(node) &&
      /^(?:window\.)?(?:confirm|alert|prompt)$/.test(node.expression.getText())
    ) {
      reportLiterals(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const KEY_CALL = /\bt(?:Nodes)?\(\s*'([^']+)'/g;
const DYNAMIC_KEY_CALL = /\bt(?:Nodes)?\(\s*[^'\s)]/g;

describe('the staff app’s strings go through the staff catalogue', () => {
  it('no English is written straight into a staff screen (JSX text, labels, confirmations)', () => {
    expect(files.flatMap((f) => untranslated(f.name, f.text))).toEqual([]);
  });

  it('the scan sees each kind of leftover it claims to (so an empty list above means something)', () => {
    const leftovers = untranslated(
      'sample.tsx',
      `const VIEWS = [{ id: 'a', label: 'Mine' }];
       const A = ({ n }) => (
         <p title="Hover text" className="notice notice-error">
           Hello there <kbd>Enter</kbd> <code>SMTP_URL</code>
           {n ? 'Saving…' : t('x')} {has(project, 'tickets.create') && 'Allowed'} {\`\${n} tickets\`}
           <button aria-label={\`Remove \${n}\`} onClick={() => confirm('Really delete?')}>×</button>
         </p>
       );`,
    );
    expect(leftovers.map((l) => l.replace(/^sample\.tsx:\d+ /, ''))).toEqual([
      'Mine',
      'Hover text',
      'Hello there',
      'Saving…',
      'Allowed',
      'tickets',
      'Remove',
      'Really delete?',
    ]);
  });

  it('every key the app asks for is in the catalogue, and every catalogue message is used', () => {
    const used = new Set(files.flatMap((f) => [...f.text.matchAll(KEY_CALL)].map((m) => m[1] as string)));
    // A key built at run time would hide from both checks below (lib/i18n.tsx defines the functions).
    const dynamic = files
      .filter((f) => !f.name.endsWith('lib/i18n.tsx'))
      .flatMap((f) => [...f.text.matchAll(DYNAMIC_KEY_CALL)].map(() => f.name));
    expect(dynamic).toEqual([]);
    const keys = Object.keys(staffEn);
    expect([...used].filter((k) => !keys.includes(k))).toEqual([]);
    expect(keys.filter((k) => !used.has(k))).toEqual([]);
  });

  it('fills placeholders and picks English plurals on count, like the customer catalogues', () => {
    const t = staffTranslator('en');
    expect(t('inbox.shown', { count: 1 })).toBe('1 ticket shown');
    expect(t('inbox.shown', { count: 0 })).toBe('0 tickets shown');
    expect(t('ticket.from', { name: 'Ada', email: 'ada@example.com' })).toBe('From Ada <ada@example.com>');
  });
});

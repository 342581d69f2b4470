// test support: reads the titles of the jest tests declared in a test file's source, without running it,
// so a document that names a test can be checked against the tests that exist.
import ts from 'typescript';

/** One `it`/`test` declared in a file, with the titles of the `describe` blocks around it. */
export interface DeclaredTest {
  /** The title as written in the source: literal text, or a template with its `${…}`/`%s`/`$name` holes. */
  readonly written: string;
  /** The `describe` titles around it, outermost first, as written. */
  readonly describes: readonly string[];
  /** Matches the titles jest can generate from it (exactly the literal text when it has no holes). */
  readonly pattern: RegExp;
  /** `it.skip`, `xit`, `it.todo` or inside a skipped `describe`: proves nothing. */
  readonly skipped: boolean;
  /** The title could not be read statically (built by a function call, for instance). */
  readonly dynamic: boolean;
  readonly line: number;
}

const TEST_FUNCTIONS = new Set(['it', 'test', 'fit', 'xit', 'xtest']);
const DESCRIBE_FUNCTIONS = new Set(['describe', 'fdescribe', 'xdescribe']);
const SKIPPING = new Set(['skip', 'todo', 'xit', 'xtest', 'xdescribe']);
// Fewer literal characters than this and a templated title could match almost anything: such a title can
// only be named as written.
const MIN_LITERAL_CHARS_FOR_INSTANCES = 8;

interface Title {
  readonly written: string;
  /** Literal pieces between holes; one piece means no holes. */
  readonly pieces: readonly string[];
  readonly dynamic: boolean;
}

/** The names a call's callee is built from, e.g. `it.each([...])` → ['it', 'each'], `xit` → ['xit']. */
function calleeNames(expression: ts.Expression): string[] | undefined {
  if (ts.isIdentifier(expression)) return [expression.text];
  if (ts.isPropertyAccessExpression(expression)) {
    const base = calleeNames(expression.expression);
    return base && [...base, expression.name.text];
  }
  // `it.each(table)(title, fn)`: the callee is itself a call
  if (ts.isCallExpression(expression)) return calleeNames(expression.expression);
  if (ts.isTaggedTemplateExpression(expression)) return calleeNames(expression.tag);
  return undefined;
}

/** `it.each` titles interpolate `%s`-style and `$name`-style placeholders. */
const EACH_PLACEHOLDER = /%[sdifjopP#]|\$[A-Za-z_][\w.]*/g;

function splitEachPlaceholders(text: string): string[] {
  return text
    .replace(/%%/g, '\u0000')
    .split(EACH_PLACEHOLDER)
    .map((piece) => piece.replace(/\0/g, '%'));
}

function readTitle(
  node: ts.Expression,
  constants: ReadonlyMap<string, ts.Expression>,
  seen: Set<string> = new Set(),
): Title {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
    return { written: node.text, pieces: [node.text], dynamic: false };
  }
  if (ts.isTemplateExpression(node)) {
    const pieces = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)];
    const written =
      node.head.text +
      node.templateSpans.map((span) => '${' + span.expression.getText() + '}' + span.literal.text).join('');
    return { written, pieces, dynamic: false };
  }
  if (ts.isParenthesizedExpression(node)) return readTitle(node.expression, constants, seen);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = readTitle(node.left, constants, seen);
    const right = readTitle(node.right, constants, seen);
    const pieces = [
      ...left.pieces.slice(0, -1),
      (left.pieces.at(-1) ?? '') + (right.pieces[0] ?? ''),
      ...right.pieces.slice(1),
    ];
    return { written: left.written + right.written, pieces, dynamic: left.dynamic || right.dynamic };
  }
  if (ts.isIdentifier(node) && constants.has(node.text) && !seen.has(node.text)) {
    seen.add(node.text);
    return readTitle(constants.get(node.text)!, constants, seen);
  }
  return { written: node.getText(), pieces: ['', ''], dynamic: true };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function piecesSource(pieces: readonly string[]): string {
  return pieces.map(escapeRegExp).join('.*?');
}

function literalLength(pieces: readonly string[]): number {
  return pieces.join('').replace(/\s/g, '').length;
}

/** Every `it`/`test` declared in the source of a test file. */
export function declaredTests(source: string, fileName = 'test.ts'): DeclaredTest[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const constants = new Map<string, ts.Expression>();
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    if (!(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.initializer) {
        constants.set(declaration.name.text, declaration.initializer);
      }
    }
  }

  const found: DeclaredTest[] = [];
  const visit = (node: ts.Node, describes: Title[], skipped: boolean): void => {
    if (ts.isCallExpression(node)) {
      const names = calleeNames(node.expression);
      const [first] = node.arguments;
      const root = names?.[0];
      if (names && root && first && (TEST_FUNCTIONS.has(root) || DESCRIBE_FUNCTIONS.has(root))) {
        let title = readTitle(first, constants);
        // holes of a template and placeholders of `.each` alike stand for generated text
        if (names.includes('each')) title = { ...title, pieces: title.pieces.flatMap(splitEachPlaceholders) };
        const isSkipped = skipped || names.some((name) => SKIPPING.has(name));
        if (TEST_FUNCTIONS.has(root)) {
          const all = [...describes, title];
          const instances =
            !all.some((t) => t.dynamic) &&
            all.every(
              (t) => t.pieces.length === 1 || literalLength(t.pieces) >= MIN_LITERAL_CHARS_FOR_INSTANCES,
            );
          const exact = escapeRegExp(title.written);
          const generated = instances ? piecesSource(title.pieces) : exact;
          found.push({
            written: title.written,
            describes: describes.map((d) => d.written),
            pattern: new RegExp(`^(?:${exact}|${generated})$`),
            skipped: isSkipped,
            dynamic: title.dynamic,
            line: file.getLineAndCharacterOfPosition(node.getStart()).line + 1,
          });
          return;
        }
        // a describe: its callback's tests are inside it
        for (const argument of node.arguments.slice(1)) visit(argument, [...describes, title], isSkipped);
        return;
      }
    }
    ts.forEachChild(node, (child) => visit(child, describes, skipped));
  };
  visit(file, [], false);
  return found;
}

/**
 * Whether a name given in a document refers to this test: its own title, or the titles of the
 * `describe` blocks around it and its own joined by ` › ` (how jest prints a full name). A templated
 * title is found by its written form (`rejects ${name}`) or by any title jest would generate from it.
 */
export function namesTest(test: DeclaredTest, name: string): boolean {
  if (test.dynamic) return false;
  if (test.pattern.test(name)) return true;
  const prefix = test.describes.join(' › ');
  if (!prefix || !name.startsWith(prefix + ' › ')) return false;
  return test.pattern.test(name.slice(prefix.length + 3));
}

// Type-checks the TypeScript code blocks of a Markdown file against this package's sources, so
// that the README cannot show code that does not compile. One program for all blocks.
//
// A block is every ```ts / ```typescript fence. `<!-- snippet:skip -->` on the line before the
// fence leaves a fragment out. Imports of `templated-api-caller` resolve to src/index.ts.
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');
const SKIP_MARKER = '<!-- snippet:skip -->';
// Parsed declaration files (aws-cdk-lib is large), shared by the programs of one process.
const sourceFileCache = new Map<string, ts.SourceFile>();

export interface Snippet {
  /** 1-based line of the first code line in the Markdown file. */
  readonly line: number;
  readonly code: string;
  readonly skipped: boolean;
}

export interface SnippetProblem {
  /** 1-based line in the Markdown file. */
  readonly line: number;
  readonly message: string;
}

export function extractSnippets(markdown: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(ts|typescript)\s*$/.exec(lines[i]);
    if (!open) continue;
    const fence = open[2];
    let end = i + 1;
    while (end < lines.length && !lines[end].trim().startsWith(fence)) end++;
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === '') before--;
    snippets.push({
      line: i + 2,
      code: lines.slice(i + 1, end).join('\n'),
      skipped: before >= 0 && lines[before].trim() === SKIP_MARKER,
    });
    i = end;
  }
  return snippets;
}

/** Type-checks the snippets that are not skipped; returns every problem with its Markdown line. */
export function checkSnippets(snippets: Snippet[], packageEntry = path.join(ROOT, 'src', 'index.ts')): SnippetProblem[] {
  // Virtual files inside the repository, so that aws-cdk-lib and constructs resolve from node_modules.
  const files = new Map<string, Snippet>();
  for (const snippet of snippets.filter((s) => !s.skipped)) {
    files.set(path.join(ROOT, '.readme-snippets', `line-${snippet.line}.ts`), snippet);
  }
  const source = (snippet: Snippet) => `${snippet.code}\nexport {};\n`; // each block is its own module

  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    strict: true,
    noImplicitAny: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
    paths: { 'templated-api-caller': [packageEntry], 'templated-api-caller/local': [path.join(ROOT, 'cli-src', 'local-runner', 'public.ts')] },
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (name, version, onError, create) => {
    const snippet = files.get(path.resolve(name));
    if (snippet) return ts.createSourceFile(name, source(snippet), version);
    const key = `${path.resolve(name)}@${JSON.stringify(version)}`;
    if (!sourceFileCache.has(key)) {
      const file = getSourceFile(name, version, onError, create);
      if (!file || !name.includes('node_modules')) return file; // the package's own sources may change
      sourceFileCache.set(key, file);
    }
    return sourceFileCache.get(key);
  };
  host.fileExists = (name) => files.has(path.resolve(name)) || fileExists(name);
  host.readFile = (name) => {
    const snippet = files.get(path.resolve(name));
    return snippet ? source(snippet) : readFile(name);
  };

  const program = ts.createProgram([...files.keys()], options, host);
  const problems: SnippetProblem[] = [];
  // Diagnostics of the snippets only: src/ is type-checked by the build, and checking it here
  // would triple the time.
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...[...files.keys()].flatMap((name) => {
      const file = program.getSourceFile(name)!;
      return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
    }),
  ];
  for (const diagnostic of diagnostics) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const snippet = diagnostic.file && files.get(path.resolve(diagnostic.file.fileName));
    if (snippet && diagnostic.start !== undefined) {
      const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start);
      problems.push({ line: snippet.line + line, message: `TS${diagnostic.code}: ${message}` });
    } else {
      // Not in a snippet (options, globals): still a failure, reported on the first snippet.
      const where = diagnostic.file ? `${path.relative(ROOT, diagnostic.file.fileName)}: ` : '';
      problems.push({ line: snippets[0]?.line ?? 0, message: `TS${diagnostic.code}: ${where}${message}` });
    }
  }
  return problems.sort((a, b) => a.line - b.line);
}

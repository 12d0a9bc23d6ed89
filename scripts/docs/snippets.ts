/**
 * The TypeScript blocks of the Markdown docs, and their typecheck: each block is
 * written as a module of its own under `.tmp/snippets` (inside the repository,
 * so `@cartable/*` imports resolve as they do for a user) and all of them are
 * compiled in one program. tests/snippets.test.ts fails on any diagnostic, with
 * the file and line in the doc, so a snippet cannot teach an API that is gone.
 *
 * A block opens with ```ts and may carry one attribute after the language:
 * - none: the block compiles as a module of its own. A deliberately partial block
 *   declares what it leaves out (`declare const history: ReadonlyArray<...>`).
 * - `excerpt=<path>`: the block is a fragment of that source file (import lines
 *   and whitespace aside), which the project's typecheck compiles; for a guide
 *   that walks through one file piece by piece.
 * - `no-check`: not checked. Only for the rare block that cannot compile; say why
 *   in the text around it.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import ts from "typescript"

/** How a block is checked: compiled, found in a source file, or not at all. */
export type SnippetCheck =
  | { readonly _tag: "Compile" }
  | { readonly _tag: "Excerpt"; readonly source: string }
  | { readonly _tag: "NoCheck" }

/** One ```ts block: the doc it is in, the line of its opening fence (from 1), its code. */
export interface Snippet {
  readonly file: string
  readonly line: number
  readonly check: SnippetCheck
  readonly code: string
}

const root = join(import.meta.dirname, "..", "..")

/** Where generated snippet modules go (gitignored with the rest of `.tmp/`). */
export const snippetDir = join(root, ".tmp", "snippets")

const checkOf = (where: string, attributes: ReadonlyArray<string>): SnippetCheck => {
  if (attributes.length === 0) return { _tag: "Compile" }
  const [attribute] = attributes
  if (attributes.length === 1 && attribute === "no-check") return { _tag: "NoCheck" }
  if (attributes.length === 1 && attribute?.startsWith("excerpt=")) {
    return { _tag: "Excerpt", source: attribute.slice("excerpt=".length) }
  }
  // A misspelt attribute must not pass silently as a checked block.
  throw new Error(
    `${where}: unknown attribute of a ts block: ${attributes.join(" ")} (known: excerpt=<path>, no-check)`,
  )
}

/** The ```ts blocks of one Markdown text; `file` is its path from the repository root. */
export const snippetsOf = (file: string, text: string): ReadonlyArray<Snippet> => {
  const lines = text.split("\n")
  const found: Array<Snippet> = []
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(`{3,})(.*)$/.exec(lines[i]!)
    if (fence === null) continue
    const [, ticks, info] = fence as unknown as [string, string, string]
    const end = lines.findIndex((line, j) => j > i && line.trimEnd() === ticks)
    const close = end === -1 ? lines.length : end
    const [language, ...attributes] = info.trim().split(/\s+/)
    if (language === "ts") {
      found.push({
        file,
        line: i + 1,
        check: checkOf(`${file}:${i + 1}`, attributes),
        code: lines.slice(i + 1, close).join("\n"),
      })
    }
    i = close
  }
  return found
}

const markdownIn = (dir: string): ReadonlyArray<string> => {
  try {
    return readdirSync(join(root, dir))
      .filter((name) => name.endsWith(".md"))
      .sort()
      .map((name) => (dir === "." ? name : join(dir, name)))
  } catch {
    return []
  }
}

/** The Markdown docs of the repository: README.md, docs/*.md, docs/read-models/*.md and each workspace package's README. */
export const docFiles = (): ReadonlyArray<string> => [
  ...markdownIn("."),
  ...markdownIn("docs"),
  ...markdownIn("docs/read-models"),
  ...["packages", "adapters", "examples"].flatMap((dir) =>
    readdirSync(join(root, dir), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => markdownIn(join(dir, entry.name)).filter((path) => path.endsWith("README.md"))),
  ),
]

/** Every ts block of the docs. */
export const docSnippets = (): ReadonlyArray<Snippet> =>
  docFiles().flatMap((file) => snippetsOf(file, readFileSync(join(root, file), "utf8")))

const moduleName = (snippet: Snippet) =>
  `${snippet.file.replace(/\.md$/, "").replaceAll(/[/\\]/g, "-")}-${snippet.line}.ts`

// The base compiler options, with two relaxed: a snippet shows a value or an import
// without using it. Every block is a module, so that their names never collide.
const tsconfig = {
  extends: "../../tsconfig.base.json",
  compilerOptions: { noUnusedLocals: false, noUnusedParameters: false, moduleDetection: "force" },
  include: ["*.ts"],
}

const format = (snippet: Snippet, diagnostic: ts.Diagnostic): string => {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")
  if (diagnostic.file === undefined || diagnostic.start === undefined)
    return `${snippet.file}:${snippet.line}: ${message}`
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start)
  // The module is the block's code alone: its line 1 is the line after the fence.
  return `${snippet.file}:${snippet.line + 1 + line}:${character + 1} TS${diagnostic.code}: ${message}`
}

/**
 * Compiles the snippets to check in one program (the others are skipped) and
 * returns each one's diagnostics as `file:line:column TScode: message`, the line
 * being the doc's. `tsc -p .tmp/snippets` reproduces it by hand afterwards.
 */
export const typecheck = (snippets: ReadonlyArray<Snippet>): ReadonlyMap<Snippet, ReadonlyArray<string>> => {
  rmSync(snippetDir, { recursive: true, force: true })
  mkdirSync(snippetDir, { recursive: true })
  writeFileSync(join(snippetDir, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`)
  const compiled = snippets.filter((snippet) => snippet.check._tag === "Compile")
  const paths = new Map(compiled.map((snippet) => [join(snippetDir, moduleName(snippet)), snippet]))
  for (const [path, snippet] of paths) writeFileSync(path, `${snippet.code}\n`)

  const config = ts.getParsedCommandLineOfConfigFile(join(snippetDir, "tsconfig.json"), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"))
    },
  })
  if (config === undefined || config.errors.length > 0) {
    throw new Error(`The snippets' tsconfig is invalid: ${config?.errors.map((e) => e.messageText).join("; ")}`)
  }
  const program = ts.createProgram({ rootNames: [...paths.keys()], options: config.options })
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]
  if (global.length > 0) {
    throw new Error(global.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("\n"))
  }
  const result = new Map<Snippet, ReadonlyArray<string>>()
  for (const snippet of snippets) result.set(snippet, [])
  for (const [path, snippet] of paths) {
    const source = program.getSourceFile(path)
    if (source === undefined) throw new Error(`${snippet.file}:${snippet.line}: its module ${path} was not compiled`)
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]
    result.set(
      snippet,
      diagnostics.map((diagnostic) => format(snippet, diagnostic)),
    )
  }
  return result
}

const squeeze = (text: string) => text.replace(/\s+/g, " ").trim()

/**
 * Whether an `excerpt=<path>` block is code of its source file, import lines and
 * whitespace aside (a guide's imports gather those its fragments need).
 */
export const isExcerptOf = (snippet: Snippet, sourceText: string): boolean =>
  squeeze(sourceText).includes(
    squeeze(
      snippet.code
        .split("\n")
        .filter((line) => !line.startsWith("import "))
        .join("\n"),
    ),
  )

/**
 * The docs site: TypeDoc renders the pages of docs/ (as its "documents") and the API
 * reference of every package's public modules (`src/*.ts`, what `./*` exports) from
 * their JSDoc, in one HTML site. `pnpm docs:site` writes it to `site/` (gitignored);
 * tests/site.test.ts converts it without writing and fails on any warning.
 *
 * TypeDoc was chosen over VitePress or Starlight because one tool does both halves
 * (the pages and the reference), installs from npm alone and needs no bundler.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join, relative } from "node:path"
import {
  Application,
  Converter,
  type DeclarationReflection,
  type DocumentReflection,
  Logger,
  LogLevel,
  OptionDefaults,
  type ProjectReflection,
  ReflectionKind,
  TSConfigReader,
  type TypeDocOptions,
} from "typedoc"

const root = join(import.meta.dirname, "..", "..")

/** A section of the site's sidebar: its title and its pages, paths from the repository root. */
export interface Section {
  readonly title: string
  readonly pages: ReadonlyArray<string>
}

/**
 * The sidebar, in reading order. Every page of docs/ is in one section (the test
 * checks it); docs/index.md, the landing page, links to all of them.
 */
export const sections: ReadonlyArray<Section> = [
  { title: "Start", pages: ["docs/getting-started.md", "docs/concepts.md", "docs/architecture.md"] },
  {
    title: "The domain",
    pages: ["docs/domain.md", "docs/events.md", "docs/business-rules.md", "docs/testing.md", "docs/workspace.md"],
  },
  {
    title: "The read side",
    pages: [
      "docs/projections.md",
      "docs/read-models.md",
      "docs/read-models/authorization.md",
      "docs/read-models/directory.md",
      "docs/read-models/rosters.md",
      "docs/read-models/audit-trail.md",
      "docs/read-models/report-queue.md",
      "docs/read-models/homework-books.md",
      "docs/read-models/news-feed.md",
      "docs/read-models/mail-merge.md",
    ],
  },
  {
    title: "Identity and feeds",
    pages: [
      "docs/identity.md",
      "docs/identity-store.md",
      "docs/idp-oidc.md",
      "docs/idp-cas.md",
      "docs/mail-smtp.md",
      "docs/feeds.md",
      "docs/feed-import.md",
    ],
  },
  { title: "Communication", pages: ["docs/sections.md", "docs/messaging.md"] },
  { title: "Processes", pages: ["docs/managers.md", "docs/rollover.md"] },
  { title: "Adapters", pages: ["docs/adapters.md"] },
  {
    title: "Operations",
    pages: ["docs/operations.md", "docs/cli.md", "docs/erasure.md", "docs/performance.md", "docs/releasing.md"],
  },
]

/** The landing page of the site. */
export const indexPage = "docs/index.md"

/** Where `pnpm docs:site` writes the site (gitignored). */
export const outDir = join(root, "site")

const markdownIn = (dir: string): ReadonlyArray<string> =>
  readdirSync(join(root, dir))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `${dir}/${name}`)

/** Every Markdown page under docs/ (docs/*.md and docs/read-models/*.md). */
export const docPages = (): ReadonlyArray<string> => [...markdownIn("docs"), ...markdownIn("docs/read-models")]

/** A workspace package whose public modules the reference documents. */
export interface PublicPackage {
  readonly name: string
  readonly dir: string
  readonly modules: ReadonlyArray<string>
}

/**
 * The packages of packages/ and adapters/ with their public modules: each `src/*.ts`
 * (the `./*` export; `src/internal/` is blocked by `./internal/*: null`).
 */
export const publicPackages = (): ReadonlyArray<PublicPackage> =>
  ["packages", "adapters"].flatMap((parent) =>
    readdirSync(join(root, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(root, parent, entry.name, "package.json")))
      .map((entry) => {
        const dir = `${parent}/${entry.name}`
        const { name } = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")) as { name: string }
        const modules = readdirSync(join(root, dir, "src"))
          .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
          .sort()
          .map((file) => `${dir}/src/${file}`)
        return { name, dir, modules }
      }),
  )

/** The name a reader imports a module by: `packages/kernel/src/Text.ts` is `@cartable/kernel/Text`. */
export const importName = (packages: ReadonlyArray<PublicPackage>, module: string): string | undefined => {
  const owner = packages.find((candidate) => module.startsWith(`${candidate.dir}/src/`))
  return owner === undefined
    ? undefined
    : `${owner.name}/${module.slice(owner.dir.length + "/src/".length).replace(/\.ts$/, "")}`
}

/** The title of a page: its first `# ` heading, without backticks. */
export const titleOf = (text: string, fallback: string): string =>
  /^# (.+)$/m.exec(text)?.[1]?.replaceAll("`", "") ?? fallback

const options = (): Partial<TypeDocOptions> => ({
  name: "Cartable",
  entryPoints: publicPackages().flatMap((pkg) => pkg.modules.map((module) => join(root, module))),
  tsconfig: join(import.meta.dirname, "tsconfig.site.json"),
  readme: join(root, indexPage),
  projectDocuments: sections.flatMap((section) => section.pages.map((page) => join(root, page))),
  out: outDir,
  // tsc checks the same sources in the suite: TypeDoc's own check of them would double the time.
  skipErrorChecking: true,
  excludePrivate: true,
  excludeInternal: true,
  // A broken {@link}, or a public type that names a type no public module exports, is a warning: the test fails on it.
  validation: { notExported: true, invalidLink: true, invalidPath: true, rewrittenLink: true, notDocumented: false },
  groupOrder: ["Documents", "*"],
  navigation: { includeGroups: true, includeCategories: false, includeFolders: false },
  highlightLanguages: [...OptionDefaults.highlightLanguages, "sql"],
  githubPages: false,
  disableGit: true,
  sourceLinkTemplate: "{path}#L{line}",
})

/** The problems TypeDoc reported while converting: warnings and errors, each as a line. */
export interface Problems {
  readonly warnings: ReadonlyArray<string>
  readonly errors: ReadonlyArray<string>
}

class CollectingLogger extends Logger {
  readonly warnings: Array<string> = []
  readonly errors: Array<string> = []
  constructor(private readonly echo: boolean) {
    super()
  }
  override log(message: string, level: LogLevel): void {
    super.log(message, level)
    if (level === LogLevel.Warn) this.warnings.push(message)
    if (level === LogLevel.Error) this.errors.push(message)
    if (this.echo && level >= LogLevel.Info) console.log(`[${LogLevel[level]}] ${message}`)
  }
}

/**
 * Sets the names the reader sees: a module under its import name, a page under its
 * heading and in its sidebar section (given here, so the Markdown needs no front matter).
 */
const name = (app: Application): void => {
  const packages = publicPackages()
  const sectionOf = new Map(sections.flatMap((section) => section.pages.map((page) => [page, section.title])))
  // TypeDoc names a module after its path from the entry points' common folder, the repository here.
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (_context: unknown, reflection: DeclarationReflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return
    const named = importName(packages, `${reflection.name}.ts`)
    if (named !== undefined) reflection.name = named
  })
  app.converter.on(Converter.EVENT_CREATE_DOCUMENT, (_context: unknown, document: DocumentReflection) => {
    const file = documentFile(document)
    if (file === undefined) return
    document.name = titleOf(readFileSync(join(root, file), "utf8"), document.name)
    const section = sectionOf.get(file)
    if (section !== undefined) document.frontmatter = { ...document.frontmatter, group: section }
  })
}

const documentFile = (document: DocumentReflection): string | undefined => {
  const source = document.project.files.getReflectionPath(document)
  return source === undefined ? undefined : relative(root, source)
}

/** Converts the site (no HTML written): the project and the problems found. */
export const convert = async (echo = false): Promise<{ project?: ProjectReflection } & Problems> => {
  const app = await Application.bootstrap(options(), [new TSConfigReader()])
  const logger = new CollectingLogger(echo)
  app.logger = logger
  name(app)
  const project = await app.convert()
  if (project !== undefined) app.validate(project)
  return { ...(project === undefined ? {} : { project }), warnings: logger.warnings, errors: logger.errors }
}

/** Builds the site into `site/`; exits non-zero on any warning or error. */
export const build = async (): Promise<number> => {
  const app = await Application.bootstrap(options(), [new TSConfigReader()])
  const logger = new CollectingLogger(true)
  app.logger = logger
  name(app)
  const project = await app.convert()
  if (project === undefined) return 1
  app.validate(project)
  await app.generateDocs(project, outDir)
  const problems = logger.warnings.length + logger.errors.length
  console.log(`${relative(root, outDir)}/index.html: ${problems === 0 ? "built" : `${problems} problem(s)`}`)
  return problems === 0 ? 0 : 1
}

if (process.argv[1] === import.meta.filename) process.exitCode = await build()

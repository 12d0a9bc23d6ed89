/**
 * The published packages, as a user gets them: every package of packages/ and
 * adapters/ built, packed by pnpm and installed by plain npm into a scratch
 * project outside the workspace (tests/packed/scratch.ts). There the README's
 * snippet compiles against the declarations and runs on SQLite, `npx cartable`
 * runs from dist with plain node, every public module loads, and the testing
 * package's suites run the installed SQLite adapter under the installed vitest.
 * docs/releasing.md says what each check is for.
 */
import * as Fs from "node:fs"
import { isBuiltin } from "node:module"
import * as Path from "node:path"
import { stripVTControlCharacters } from "node:util"
import { afterAll, assert, beforeAll, describe, expect, it } from "@effect/vitest"
import ts from "typescript"
import { snippetsOf } from "../scripts/docs/snippets.ts"
import { prepare, published, root, run, runOk, type Scratch } from "./packed/scratch.ts"

// Third-party packages a TypeScript user's project has beside ours: Node's types.
const extra = { "@types/node": "^20.19.0" }

/** What the README's snippet leaves to the reader (`declare const ...`), given here for the run. */
const declared: Readonly<Record<string, unknown>> = {
  // The administrator `cartable init` creates, who may block his own account (BR-ACC-6: he manages it).
  session: { accountId: "platform-admin" },
  requestBody: { _tag: "BlockAccount", accountId: "platform-admin" },
}

/** The README's snippet with its `declare const` lines given values; an unknown one fails the test. */
const runnable = (code: string) =>
  code
    .split("\n")
    .map((line) => {
      const declaration = /^declare const (\w+): (.+?)(\s*\/\/.*)?$/.exec(line)
      if (declaration === null) return line
      const [, name, type] = declaration as unknown as [string, string, string]
      if (!(name in declared)) throw new Error(`The README's snippet declares ${name}: give this test a value for it`)
      return `const ${name}: ${type} = ${JSON.stringify(declared[name])}`
    })
    .join("\n")

const readmeSnippet = () => {
  const snippets = snippetsOf("README.md", Fs.readFileSync(Path.join(root, "README.md"), "utf8"))
  const snippet = snippets.find((candidate) => candidate.code.includes("Effect.runPromise("))
  if (snippet === undefined) throw new Error("README.md has no ts block that runs a program (Effect.runPromise)")
  return snippet
}

const json = <A>(text: string): A => JSON.parse(text) as A

interface Manifest {
  readonly name: string
  readonly version: string
  readonly description?: string
  readonly license?: string
  readonly keywords?: ReadonlyArray<string>
  readonly repository?: { readonly url: string; readonly directory: string }
  readonly engines?: { readonly node?: string }
  readonly sideEffects?: boolean | ReadonlyArray<string>
  readonly bin?: Readonly<Record<string, string>>
  readonly exports?: Readonly<Record<string, unknown>>
  readonly dependencies?: Readonly<Record<string, string>>
  readonly peerDependencies?: Readonly<Record<string, string>>
}

/** The files under `dir`, relative to it. */
const filesIn = (dir: string): ReadonlyArray<string> =>
  Fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((file) =>
    Fs.statSync(Path.join(dir, file)).isFile(),
  )

/** The package a bare specifier names: `@scope/name` or `name`. */
const packageOf = (specifier: string) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/")

interface BuildConfig {
  readonly references?: ReadonlyArray<{ readonly path: string }>
}

describe("the build (pnpm build: tsc -b tsconfig.build.json)", () => {
  const config = (path: string) => json<BuildConfig>(Fs.readFileSync(Path.join(root, path), "utf8"))
  const dirOf = new Map(published().map((pkg) => [pkg.name, pkg.dir] as const))

  it("builds every published package, each after the packages it depends on", () => {
    const all = (config("tsconfig.build.json").references ?? []).map((ref) => Path.normalize(ref.path))
    expect(all.sort()).toEqual(
      published()
        .map((pkg) => Path.join(pkg.dir, "tsconfig.build.json"))
        .sort(),
    )
    for (const pkg of published()) {
      const m = json<Manifest>(Fs.readFileSync(Path.join(root, pkg.dir, "package.json"), "utf8"))
      const dependsOn = Object.keys({ ...m.dependencies, ...m.peerDependencies }).filter((dep) => dirOf.has(dep))
      const references = (config(Path.join(pkg.dir, "tsconfig.build.json")).references ?? []).map((ref) =>
        Path.relative(root, Path.join(root, pkg.dir, ref.path)),
      )
      expect(references.sort(), pkg.name).toEqual(
        dependsOn.map((dep) => Path.join(dirOf.get(dep)!, "tsconfig.build.json")).sort(),
      )
    }
  })
})

describe("the packed packages installed by npm in a scratch project", () => {
  let scratch: Scratch
  const installed = (name: string) => Path.join(scratch.dir, "node_modules", name)
  const manifest = (name: string) => json<Manifest>(Fs.readFileSync(Path.join(installed(name), "package.json"), "utf8"))
  const node = (args: ReadonlyArray<string>) => run(process.execPath, args, { cwd: scratch.dir })
  const cartable = (args: ReadonlyArray<string>) =>
    run("npx", ["--no", "--", "cartable", ...args], { cwd: scratch.dir })

  beforeAll(async () => {
    scratch = await prepare(extra)
  }, 900_000)
  afterAll(() => {
    if (scratch !== undefined) Fs.rmSync(scratch.folder, { recursive: true, force: true })
  })

  it("each package is its tarball: version 0.1.0, real versions for workspace ranges, metadata, licence", () => {
    for (const pkg of published()) {
      const text = Fs.readFileSync(Path.join(installed(pkg.name), "package.json"), "utf8")
      assert.notInclude(text, "workspace:", pkg.name)
      const m = manifest(pkg.name)
      assert.strictEqual(m.version, "0.1.0", pkg.name)
      assert.strictEqual(m.license, "MIT", pkg.name)
      assert.isNotEmpty(m.description, pkg.name)
      assert.include(m.keywords ?? [], "cartable", pkg.name)
      assert.strictEqual(m.repository?.directory, pkg.dir, pkg.name)
      assert.strictEqual(m.engines?.node, ">=20", pkg.name)
      assert.isDefined(m.sideEffects, pkg.name)
      for (const [dep, range] of Object.entries(m.dependencies ?? {})) {
        if (dep.startsWith("@cartable/")) assert.strictEqual(range, "0.1.0", `${pkg.name} -> ${dep}`)
      }
      assert.include(Fs.readFileSync(Path.join(installed(pkg.name), "LICENSE"), "utf8"), "MIT License", pkg.name)
      assert.include(Fs.readFileSync(Path.join(installed(pkg.name), "README.md"), "utf8"), `# ${pkg.name}`, pkg.name)
      // The workspace's `./*` points at the sources; the published one at dist, types first.
      assert.deepStrictEqual(
        m.exports,
        { "./*": { types: "./dist/*.d.ts", default: "./dist/*.js" }, "./internal/*": null },
        pkg.name,
      )
      const workspace = json<Manifest>(Fs.readFileSync(Path.join(root, pkg.dir, "package.json"), "utf8"))
      assert.deepStrictEqual(workspace.exports, { "./*": "./src/*.ts", "./internal/*": null }, pkg.name)
      // Every source module has its JavaScript, declarations and both source maps, and the sources they map to.
      const files = new Set(filesIn(installed(pkg.name)))
      for (const source of filesIn(Path.join(root, pkg.dir, "src")).filter((file) => file.endsWith(".ts"))) {
        const base = source.slice(0, -".ts".length)
        for (const out of [`dist/${base}.js`, `dist/${base}.js.map`, `dist/${base}.d.ts`, `dist/${base}.d.ts.map`]) {
          assert.isTrue(files.has(out), `${pkg.name}: ${out}`)
        }
        assert.isTrue(files.has(`src/${source}`), `${pkg.name}: src/${source}`)
      }
      assert.isFalse(
        [...files].some((file) => file.includes("tsbuildinfo") || file.startsWith("test/")),
        pkg.name,
      )
    }
  })

  it("the JavaScript and the declarations import only files they ship and packages they declare", () => {
    const problems: Array<string> = []
    for (const pkg of published()) {
      const m = manifest(pkg.name)
      const declaredDeps = new Set([
        pkg.name,
        ...Object.keys(m.dependencies ?? {}),
        ...Object.keys(m.peerDependencies ?? {}),
      ])
      const dist = Path.join(installed(pkg.name), "dist")
      for (const file of filesIn(dist).filter((f) => f.endsWith(".js") || f.endsWith(".d.ts"))) {
        const text = Fs.readFileSync(Path.join(dist, file), "utf8")
        for (const { fileName: specifier } of ts.preProcessFile(text, true, true).importedFiles) {
          if (specifier.startsWith(".")) {
            // The declarations keep the sources' `.ts` (TypeScript resolves them to the .d.ts beside); the JavaScript has `.js`.
            const target = file.endsWith(".d.ts") ? specifier.replace(/\.ts$/, ".d.ts") : specifier
            if (file.endsWith(".js") && !specifier.endsWith(".js"))
              problems.push(`${pkg.name} dist/${file}: ${specifier}`)
            if (!Fs.existsSync(Path.join(dist, Path.dirname(file), target))) {
              problems.push(`${pkg.name} dist/${file}: ${specifier} is not shipped`)
            }
          } else if (!isBuiltin(specifier) && !declaredDeps.has(packageOf(specifier))) {
            problems.push(`${pkg.name} dist/${file}: ${specifier} is not a dependency`)
          }
        }
      }
    }
    expect(problems).toEqual([])
  })

  it("every public module loads with plain node from dist; ./internal/* is not exported", async () => {
    // The bin's program runs when loaded (the cartable test runs it); @cartable/testing's modules that use
    // vitest load under vitest only (the last test runs them there).
    const program = "@cartable/cli/main"
    const specifiers = published().flatMap((pkg) =>
      Fs.readdirSync(Path.join(installed(pkg.name), "dist"))
        .filter((file) => file.endsWith(".js"))
        .map((file) => `${pkg.name}/${file.slice(0, -".js".length)}`),
    )
    const script = Path.join(scratch.dir, "load-modules.mjs")
    Fs.copyFileSync(Path.join(import.meta.dirname, "packed", "load-modules.mjs"), script)
    const result = await node([script, JSON.stringify(specifiers.filter((specifier) => specifier !== program))])
    assert.strictEqual(result.code, 0, result.stderr)
    expect(json(result.stdout)).toEqual([])
    assert.isAbove(specifiers.length, 100)
  })

  it("npx cartable --help runs the installed bin from dist with plain node and lists the commands", async () => {
    assert.isFalse(Fs.existsSync(installed("tsx")), "tsx is installed: the bin should not need it")
    assert.strictEqual(manifest("@cartable/cli").bin?.cartable, "./dist/main.js")
    const help = await cartable(["--help"])
    assert.strictEqual(help.code, 0, help.stderr)
    for (const command of [
      "init",
      "import",
      "rebuild",
      "status",
      "directory",
      "reports",
      "mail-merge",
      "erase",
      "stats",
    ]) {
      assert.match(stripVTControlCharacters(help.stdout), new RegExp(`^  - ${command}\\b`, "m"), command)
    }
  })

  it("the README's snippet compiles against the installed declarations and runs on SQLite", async () => {
    const init = await cartable([
      "init",
      "--login",
      "camille.martin",
      "--first-name",
      "Camille",
      "--last-name",
      "Martin",
      "--structure",
      "0751234J",
    ])
    assert.strictEqual(init.code, 0, init.stderr)
    assert.isTrue(Fs.existsSync(Path.join(scratch.dir, "cartable.db")))

    const { code } = readmeSnippet()
    Fs.writeFileSync(Path.join(scratch.dir, "snippet.ts"), `${runnable(code)}\n`)
    // Every public module's declarations are reached through the exports' `types`, as an import names them.
    const modules = published().flatMap((pkg) =>
      Fs.readdirSync(Path.join(installed(pkg.name), "dist"))
        .filter((file) => file.endsWith(".d.ts"))
        .map((file) => `${pkg.name}/${file.slice(0, -".d.ts".length)}`),
    )
    Fs.writeFileSync(
      Path.join(scratch.dir, "modules.ts"),
      modules.map((specifier, i) => `import type * as M${i} from "${specifier}"\nexport type { M${i} }\n`).join(""),
    )
    // A user's settings: Node's module resolution, strict, libraries' declarations not checked (the usual default).
    const tsconfig = {
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        skipLibCheck: true,
        types: ["node"],
        outDir: "out",
      },
      files: ["snippet.ts", "modules.ts"],
    }
    Fs.writeFileSync(Path.join(scratch.dir, "tsconfig.json"), JSON.stringify(tsconfig))
    await runOk(process.execPath, [Path.join(root, "node_modules/typescript/bin/tsc"), "-p", "."], {
      cwd: scratch.dir,
    })

    const snippet = await node(["out/snippet.js"])
    assert.strictEqual(snippet.code, 0, `${snippet.stdout}\n${snippet.stderr}`)
    // The snippet's command went through the Workspace into the file: the installed CLI reads it back.
    const stats = await cartable(["stats", "--json"])
    assert.strictEqual(stats.code, 0, stats.stderr)
    const counts = json<{ events: number; accounts: { byState: { blocked: number } } }>(stats.stdout)
    assert.strictEqual(counts.events, 3)
    assert.strictEqual(counts.accounts.byState.blocked, 1)
  })

  it("@cartable/testing's laws and conformance suite run the installed SQLite adapter under the installed vitest", async () => {
    const suite = [
      'import * as Report from "@cartable/domain/Report"',
      'import * as SqliteEventStore from "@cartable/store-sqlite/SqliteEventStore"',
      'import * as DeciderLaws from "@cartable/testing/DeciderLaws"',
      'import * as EventStoreConformance from "@cartable/testing/EventStoreConformance"',
      'import * as ReportArbitraries from "@cartable/testing/ReportArbitraries"',
      "",
      'EventStoreConformance.suite("installed SQLite", SqliteEventStore.layerDriver({ filename: ":memory:" }), { numRuns: 5 })',
      "DeciderLaws.suite(Report.aggregate, { commands: ReportArbitraries.commands })",
      "",
    ].join("\n")
    Fs.writeFileSync(Path.join(scratch.dir, "installed.test.js"), suite)
    const result = await node([
      "node_modules/vitest/vitest.mjs",
      "run",
      "installed.test.js",
      "--reporter=json",
      "--outputFile=vitest.json",
    ])
    assert.strictEqual(result.code, 0, `${result.stdout}\n${result.stderr}`)
    const report = json<{ numPassedTests: number; numFailedTests: number }>(
      Fs.readFileSync(Path.join(scratch.dir, "vitest.json"), "utf8"),
    )
    assert.strictEqual(report.numFailedTests, 0)
    assert.isAbove(report.numPassedTests, 10)
    // better-sqlite3's binding: the workspace's (same version and Node), or rebuilt by npm when they differ.
    assert.include(["copied", "rebuilt"], scratch.sqliteBinding)
  })
})

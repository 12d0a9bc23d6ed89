/**
 * A scratch project outside the workspace with every published package installed
 * from its `pnpm pack` tarball by plain npm, as a user's project gets them
 * (docs/releasing.md, "The packed-install test").
 *
 * npm installs with `--ignore-scripts`: the only install script that matters is
 * better-sqlite3's, which compiles its native binding (about 100 s on 2 cores).
 * When npm resolved the version the workspace compiled, the workspace's binding
 * (same sources, same Node) is copied in; otherwise npm rebuilds it, the slow way.
 * The other install scripts are the ones the workspace skips too (pnpm-workspace.yaml).
 */
import { execFile } from "node:child_process"
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Os from "node:os"
import * as Path from "node:path"

/** The repository's root. */
export const root = Path.join(import.meta.dirname, "..", "..")

/** One published package: its name and folder in the workspace. */
export interface WorkspacePackage {
  readonly name: string
  readonly dir: string
}

/** The packages that are published: every folder of packages/ and adapters/ (examples/ and bench/ are not). */
export const published = (): ReadonlyArray<WorkspacePackage> =>
  ["packages", "adapters"].flatMap((group) =>
    Fs.readdirSync(Path.join(root, group))
      .filter((name) => Fs.existsSync(Path.join(root, group, name, "package.json")))
      .sort()
      .map((name) => ({
        name: JSON.parse(Fs.readFileSync(Path.join(root, group, name, "package.json"), "utf8")).name as string,
        dir: Path.join(group, name),
      })),
  )

/** What a program printed, and its exit code. */
export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs a program (no shell), and resolves with its exit code and output, whatever the code. */
export const run = (
  file: string,
  args: ReadonlyArray<string>,
  options: { readonly cwd: string; readonly timeout?: number; readonly env?: Readonly<Record<string, string>> },
): Promise<Run> =>
  new Promise((resolve) => {
    // Without the workspace's DATABASE_URL (scripts/test.sh sets it): the CLI would pick PostgreSQL.
    const { DATABASE_URL: _, ...env } = process.env
    execFile(
      file,
      [...args],
      { cwd: options.cwd, env: { ...env, ...options.env }, timeout: options.timeout ?? 300_000, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1
        resolve({ code, stdout, stderr })
      },
    )
  })

/** Runs a program and fails with its output unless it exits with 0. */
export const runOk = async (
  file: string,
  args: ReadonlyArray<string>,
  options: { readonly cwd: string; readonly timeout?: number; readonly env?: Readonly<Record<string, string>> },
): Promise<Run> => {
  const result = await run(file, args, options)
  if (result.code !== 0) {
    throw new Error(`${file} ${args.join(" ")} exited with ${result.code}\n${result.stdout}\n${result.stderr}`)
  }
  return result
}

const pnpm = (): ReadonlyArray<string> => {
  const { packageManager } = JSON.parse(Fs.readFileSync(Path.join(root, "package.json"), "utf8"))
  return ["-y", packageManager as string]
}

/** `pnpm build`: every published package's dist/, incremental (`tsc -b`). */
export const build = () =>
  runOk(process.execPath, [Path.join(root, "node_modules/typescript/bin/tsc"), "-b", "tsconfig.build.json"], {
    cwd: root,
    timeout: 600_000,
  })

/** The tarball `pnpm pack` writes for a package. */
export const tarballName = (name: string) => `${name.replace(/^@/, "").replace("/", "-")}-0.1.0.tgz`

/** Packs every published package into `destination` with pnpm (which applies publishConfig and the workspace: ranges). */
export const pack = async (destination: string) => {
  const filters = published().flatMap((pkg) => ["--filter", `./${pkg.dir}`])
  await runOk("npx", [...pnpm(), "-r", ...filters, "pack", "--pack-destination", destination], { cwd: root })
}

/** The folder of the workspace's better-sqlite3 (a devDependency of store-sqlite), compiled by pnpm install. */
const workspaceSqlite = () =>
  Path.dirname(
    createRequire(Path.join(root, "adapters/store-sqlite/package.json")).resolve("better-sqlite3/package.json"),
  )

const versionOf = (dir: string): string => JSON.parse(Fs.readFileSync(Path.join(dir, "package.json"), "utf8")).version

const binding = "build/Release/better_sqlite3.node"

/** A scratch project: the folder to remove, the project's folder, the tarballs', how better-sqlite3 got its binding. */
export interface Scratch {
  readonly folder: string
  readonly dir: string
  readonly tarballs: string
  readonly sqliteBinding: "copied" | "rebuilt"
}

/**
 * Builds, packs and installs every published package into a new folder under the
 * system's temporary directory (outside the workspace: nothing resolves from its
 * node_modules). `extra` are third-party packages the checks need (types).
 */
export const prepare = async (extra: Readonly<Record<string, string>>): Promise<Scratch> => {
  await build()
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-packed-"))
  const tarballs = Path.join(dir, "tarballs")
  Fs.mkdirSync(tarballs)
  await pack(tarballs)
  const app = Path.join(dir, "app")
  Fs.mkdirSync(app)
  const dependencies = Object.fromEntries(
    published().map((pkg) => [pkg.name, `file:../tarballs/${tarballName(pkg.name)}`] as const),
  )
  Fs.writeFileSync(
    Path.join(app, "package.json"),
    `${JSON.stringify({ name: "scratch", private: true, type: "module", dependencies: { ...dependencies, ...extra } }, null, 2)}\n`,
  )
  // npm's own cache (~/.npm) keeps the third-party tarballs between runs; --prefer-offline skips revalidating them.
  await runOk("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline"], {
    cwd: app,
    timeout: 600_000,
  })
  const installed = Path.join(app, "node_modules/better-sqlite3")
  const compiled = workspaceSqlite()
  let sqliteBinding: Scratch["sqliteBinding"]
  if (versionOf(installed) === versionOf(compiled) && Fs.existsSync(Path.join(compiled, binding))) {
    Fs.mkdirSync(Path.dirname(Path.join(installed, binding)), { recursive: true })
    Fs.copyFileSync(Path.join(compiled, binding), Path.join(installed, binding))
    sqliteBinding = "copied"
  } else {
    await runOk("npm", ["rebuild", "better-sqlite3"], { cwd: app, timeout: 600_000 })
    sqliteBinding = "rebuilt"
  }
  return { folder: dir, dir: app, tarballs, sqliteBinding }
}

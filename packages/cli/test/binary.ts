/**
 * Runs the real `cartable` binary: plainly (stdout a pipe), or in a
 * pseudo-terminal through `script` for what only a terminal shows.
 */
import { execFile } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { assert } from "@effect/vitest"
import * as Effect from "effect/Effect"

export const bin = fileURLToPath(new URL("../bin/cartable.mjs", import.meta.url))

export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** The environment of a run: this one's without DATABASE_URL (scripts/test.sh sets it), plus `env`. */
const environment = (env: Readonly<Record<string, string>>) => {
  const { DATABASE_URL: _, ...rest } = process.env
  return { ...rest, ...env }
}

const exec = (file: string, args: ReadonlyArray<string>, cwd: string, env: Readonly<Record<string, string>>) =>
  Effect.async<Run>((resume) => {
    execFile(file, [...args], { cwd, env: environment(env), timeout: 170_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1
      resume(Effect.succeed({ code, stdout, stderr }))
    })
  })

/** `cartable ARGS` in `cwd`, stdout and stderr pipes. */
export const cartable = (cwd: string, args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}) =>
  exec(process.execPath, [bin, ...args], cwd, env)

const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`

/** `cartable ARGS` in a pseudo-terminal (util-linux `script`): stdout is a terminal; its output comes raw. */
export const inTerminal = (cwd: string, args: ReadonlyArray<string>) =>
  exec("script", ["-qfec", [process.execPath, bin, ...args].map(quote).join(" "), "/dev/null"], cwd, {
    COLUMNS: "160",
    LINES: "40",
  })

/** A folder of its own, removed when the scope closes. */
export const folder = Effect.acquireRelease(
  Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-cli-"))),
  (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true })),
)

/** The JSON document a run printed on stdout. */
export const json = <A = Record<string, unknown>>(run: Run): A => {
  try {
    return JSON.parse(run.stdout) as A
  } catch {
    throw new Error(`not JSON (exit ${run.code}): ${run.stdout}\n${run.stderr}`)
  }
}

/** Asserts a run's exit code, with its output in the message. */
export const expectCode = (run: Run, code: number, what: string) =>
  assert.strictEqual(run.code, code, `${what}: exit ${run.code}\n${run.stdout}\n${run.stderr}`)

/** `cartable init` of Camille Martin, platform administrator attached to `structure`, on `store` (JSON output). */
export const initStore = (cwd: string, store: string, structure: string) =>
  cartable(cwd, [
    "init",
    "--login",
    "camille.martin",
    "--first-name",
    "Camille",
    "--last-name",
    "Martin",
    "--structure",
    structure,
    "--store",
    store,
    "--json",
  ])

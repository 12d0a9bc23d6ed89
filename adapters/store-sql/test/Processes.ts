/**
 * Runs worker scripts as real OS processes started at the same moment: each loads
 * its modules, prints `ready`, and waits for `go` on its stdin, so that what they
 * race on (opening a store) starts together rather than staggered by start-up.
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as Path from "node:path"

export interface Outcome {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const root = Path.resolve(import.meta.dirname, "../../..")

/** Starts one process per argument list, releases them together, and waits for them all. */
export const runTogether = async (
  worker: string,
  argsList: ReadonlyArray<ReadonlyArray<string>>,
  options: { readonly timeoutMs?: number; readonly onGo?: () => void } = {},
): Promise<ReadonlyArray<Outcome>> => {
  const timeoutMs = options.timeoutMs ?? 90_000
  const children: Array<ChildProcess> = []
  const timer = setTimeout(() => {
    for (const child of children) child.kill("SIGKILL")
  }, timeoutMs)
  try {
    const runs = argsList.map((args) => {
      const child = spawn(process.execPath, ["--import", "tsx", worker, ...args], {
        cwd: root,
        stdio: ["pipe", "pipe", "pipe"],
      })
      children.push(child)
      let stdout = ""
      let stderr = ""
      let signalReady: () => void = () => {}
      const ready = new Promise<void>((resolve) => {
        signalReady = resolve
      })
      child.stdout!.on("data", (chunk: Buffer) => {
        stdout += chunk.toString("utf8")
        if (stdout.includes("ready\n")) signalReady()
      })
      child.stderr!.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8")
      })
      const done = new Promise<Outcome>((resolve) => {
        child.on("close", (code) => {
          signalReady()
          resolve({ code, stdout: stdout.replace("ready\n", ""), stderr })
        })
      })
      return { child, ready, done }
    })
    await Promise.all(runs.map((run) => run.ready))
    for (const run of runs) run.child.stdin!.end("go\n")
    options.onGo?.()
    return await Promise.all(runs.map((run) => run.done))
  } finally {
    clearTimeout(timer)
  }
}

/** Waits for the parent's `go` (see {@link runTogether}); call it once the worker's modules are loaded. */
export const waitForGo = (): Promise<void> =>
  new Promise((resolve) => {
    process.stdout.write("ready\n")
    process.stdin.once("data", () => resolve())
  })

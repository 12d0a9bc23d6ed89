// Vitest reporter of the mutation run: a test file that fails to load (a mutant that throws while a module is
// imported) has no test, so Stryker would see "no test failed" and count the mutant as survived. This
// reporter adds one failed test to such a file, which Stryker counts as a kill (or a failed dry run).
import type { RunnerTask, RunnerTestCase, RunnerTestFile } from "vitest"
import type { Reporter } from "vitest/reporters"

const tests = (task: RunnerTask): ReadonlyArray<RunnerTask> =>
  task.type === "suite" ? task.tasks.flatMap(tests) : task.type === "test" ? [task] : []

const loadFailure = (file: RunnerTestFile): RunnerTestCase => ({
  type: "test",
  id: `${file.id}_load`,
  name: "loads without error",
  mode: "run",
  context: {} as RunnerTestCase["context"],
  file,
  suite: file,
  meta: {},
  timeout: 0,
  annotations: [],
  result: {
    state: "fail",
    errors: (file.result?.errors ?? []).map((error) => ({ ...error, message: `test file failed: ${error.message}` })),
  },
})

/**
 * Turns a test file that failed outside any test into a failed test, so that Stryker sees it.
 *
 * @since 0.1.0
 */
export default class LoadGuardReporter implements Reporter {
  onFinished(files: ReadonlyArray<RunnerTestFile> = []): void {
    for (const file of files) {
      const failedOutsideTests = file.result?.state === "fail" && (file.result.errors?.length ?? 0) > 0
      if (failedOutsideTests && !tests(file).some((test) => test.result?.state === "fail")) {
        file.tasks.push(loadFailure(file))
      }
    }
  }
}

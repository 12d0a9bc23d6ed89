/**
 * Run before every test file. A property that fails shrinks its counterexample, one run of the
 * property per step: over long random histories that can take longer than CI allows, and a
 * worker busy shrinking never reaches vitest's timeout. Every property is bounded instead: past
 * the limit, fast-check stops and reports a failure with the smallest counterexample found so far.
 */
import * as FastCheck from "effect/FastCheck"

FastCheck.configureGlobal({ interruptAfterTimeLimit: 240_000, markInterruptAsFailure: true })

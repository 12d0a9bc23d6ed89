// Vitest setup file of the mutation run: every property draws the same inputs in every run, so a mutant is
// killed or not whatever the run (unseeded properties killed a mutant in one run and missed it in the next).
import * as FastCheck from "effect/FastCheck"

const seed = Number(process.env.CARTABLE_MUTATION_SEED ?? 20_250_901)

// No shrinking: Stryker only needs to know that a test failed, not the smallest counter-example.
FastCheck.configureGlobal({ seed, endOnFailure: true })

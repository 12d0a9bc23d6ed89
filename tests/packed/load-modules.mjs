// Copied into the scratch project and run there with plain node: imports each module named in argv[2]
// (a JSON list of specifiers), checks it resolves into dist/, then that ./internal/* is not exported.
// Prints the failures as a JSON list.
const failures = []
for (const specifier of JSON.parse(process.argv[2])) {
  try {
    if (!import.meta.resolve(specifier).includes("/dist/")) failures.push(`${specifier}: not from dist`)
    await import(specifier)
  } catch (error) {
    // @cartable/testing's suites are written on vitest, which refuses to load outside its runner.
    const vitestOnly = specifier.startsWith("@cartable/testing/") && String(error).includes("Vitest failed to access")
    if (!vitestOnly) failures.push(`${specifier}: ${error}`)
  }
}
try {
  await import("@cartable/domain/internal/fields")
  failures.push("@cartable/domain/internal/fields is exported")
} catch (error) {
  if (error.code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") failures.push(`@cartable/domain/internal/fields: ${error}`)
}
console.log(JSON.stringify(failures))

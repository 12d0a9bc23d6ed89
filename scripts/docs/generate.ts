/**
 * Generates docs/events.md (the event catalogue) and docs/business-rules.md
 * (every rule with the tests that check it) from the code itself, so that the
 * docs cannot drift: tests/docs.test.ts fails when a generated page is stale.
 */
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { rules } from "@cartable/domain/Rules"
import { MAX_DEPTH } from "@cartable/eventlog/PersonalDataCipher"
import { MAX_LENGTH as MAX_STREAM_NAME } from "@cartable/eventlog/StreamName"
import * as PersonalData from "@cartable/kernel/PersonalData"
import * as Text from "@cartable/kernel/Text"
import type * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import ts from "typescript"

/** One aggregate's events and the source file that documents them. */
export interface AggregateDocs {
  readonly name: string
  readonly events: Readonly<Record<string, Schema.Schema.AnyNoContext>>
  readonly source: string
}

const root = join(import.meta.dirname, "..", "..")

/** The JSDoc of each `export const Name =` in a source file. */
const jsDocs = (file: string): ReadonlyMap<string, string> => {
  const text = readFileSync(join(root, file), "utf8")
  const docs = new Map<string, string>()
  for (const match of text.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export const (\w+)/g)) {
    const body = match[1]!
      .split("\n")
      .map((line) => line.replace(/^\s*\*\s?/, "").trim())
      .filter((line) => line.length > 0 && !line.startsWith("@"))
      .join(" ")
      .replace(/\s*@since \S+/g, "")
      .trim()
    docs.set(match[2]!, body)
  }
  return docs
}

// The type as written in the schema: without the erasure marker of personal fields
// nor the `undefined` of optional ones, which the table says in words.
const members = (ast: AST.AST): ReadonlyArray<AST.AST> =>
  AST.isUnion(ast) &&
  (AST.getAnnotation(PersonalData.PersonalDataId)(ast)._tag === "Some" || ast.types.some(AST.isUndefinedKeyword))
    ? ast.types.flatMap(members)
    : [ast]

const typeOf = (ast: AST.AST): string =>
  members(ast)
    .filter((t) => !AST.isUndefinedKeyword(t) && !(AST.isLiteral(t) && t.literal === PersonalData.ERASED))
    .map((t) => String(t))
    .join(" | ")

const fieldsOf = (schema: Schema.Schema.AnyNoContext) => {
  const ast = AST.isTransformation(schema.ast) ? schema.ast.to : schema.ast
  const personal = new Set(PersonalData.personalFields(schema).fields)
  if (!AST.isTypeLiteral(ast)) return []
  return ast.propertySignatures
    .filter((p) => p.name !== "_tag")
    .map((p) => ({
      name: String(p.name),
      type: typeOf(p.type),
      optional: p.isOptional,
      personal: personal.has(String(p.name)),
    }))
}

const ruleIds = (text: string): ReadonlyArray<string> => [...new Set(text.match(/BR-[A-Z]+-\d+/g) ?? [])]

const escapeCell = (text: string) => text.replaceAll("|", "\\|")

/** The limits every text field and every event obeys, from `Text.limits` and the store's bounds. */
const limitsSection = (): ReadonlyArray<string> => [
  "## Text limits",
  "",
  "Every text field of a command or an event is bounded (`packages/domain/src/Text.ts`). Lengths count UTF-16",
  "code units (JavaScript's `length`): a limit of n is at most 3n bytes of UTF-8. A value over its limit, or",
  "breaking its character rule, is refused by the Schema with the field named (`firstName: a name is at most",
  "100 characters`), never echoing the value. *One line*: no control character (U+0000-U+001F,",
  "U+007F-U+009F), no U+2028 or U+2029, no lone surrogate. *Trimmed*: not empty, no leading or trailing white",
  "space. *Free text*: any line breaks, no lone surrogate. Logins are at most 64 characters (`Login`).",
  "",
  "| limit | characters | bounds |",
  "|---|---:|---|",
  ...Object.entries(Text.limits).map(
    ([key, max]) => `| \`${key}\` | ${max.toLocaleString("en")} | ${Text.limitUses[key as keyof typeof Text.limits]} |`,
  ),
  "",
  `The store adds its own bounds on every event of any catalogue: a stream name is \`<Category>-<id>\`, one line of at`,
  `most ${MAX_STREAM_NAME} characters; encoded data is plain JSON (finite numbers, well-formed strings, no cycle) nested`,
  `at most ${MAX_DEPTH} levels of objects and arrays, the event itself being level 1 (docs/erasure.md).`,
  "",
]

/** The event catalogue page. */
export const eventCatalogue = (aggregates: ReadonlyArray<AggregateDocs>): string => {
  const lines = [
    "# Event catalogue",
    "",
    "Generated from the schemas by `pnpm run docs` (do not edit by hand). Every event is a fact in the past tense,",
    "stored with its type and schema version (1 unless said). Fields marked **personal** are encrypted with the",
    "data subject's key and read as `[erased]` once the subject is erased (BR-ACC-9); the subject column names",
    "the field holding the subject's id.",
    "",
    ...limitsSection(),
  ]
  for (const aggregate of aggregates) {
    const docs = jsDocs(aggregate.source)
    lines.push(`## ${aggregate.name}`, "", `Stream: \`${aggregate.name}-<id>\`. Source: \`${aggregate.source}\`.`, "")
    for (const [type, schema] of Object.entries(aggregate.events)) {
      const doc = docs.get(type) ?? ""
      const { subjectField } = PersonalData.personalFields(schema)
      const rulesOf = ruleIds(doc)
      lines.push(`### ${type}`, "", doc.replace(/\s*\(BR-[^)]*\)\.?$/, "."), "")
      lines.push(
        `Rules: ${rulesOf.length > 0 ? rulesOf.join(", ") : "none"}${subjectField ? `. Data subject: \`${subjectField}\`` : ""}.`,
        "",
      )
      lines.push("| field | type | |", "|---|---|---|")
      for (const field of fieldsOf(schema)) {
        const marks = [field.optional ? "optional" : "", field.personal ? "**personal**" : ""]
          .filter(Boolean)
          .join(", ")
        lines.push(`| \`${field.name}\` | \`${escapeCell(field.type)}\` | ${marks} |`)
      }
      lines.push("")
    }
  }
  return `${lines.join("\n").trimEnd()}\n`
}

const isTestFunction = (callee: ts.Expression): boolean =>
  ts.isIdentifier(callee)
    ? callee.text === "it" || callee.text === "test"
    : ts.isPropertyAccessExpression(callee) && isTestFunction(callee.expression)

// A template's substitutions are kept as written (`${kind}`): the page shows the name's pattern.
const nameOf = (node: ts.Node, source: ts.SourceFile): string | undefined => {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text
  if (!ts.isTemplateExpression(node)) return undefined
  return node.templateSpans.reduce(
    (name, span) => `${name}\${${span.expression.getText(source)}}${span.literal.text}`,
    node.head.text,
  )
}

/**
 * The names of the tests a source file declares with `it` or `test` and their
 * modifiers (`it.effect.prop`), read by the TypeScript parser so that quotes,
 * escapes and template literals come out as the test runner sees them.
 */
export const testNames = (file: string, text: string): ReadonlyArray<string> => {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const names: Array<string> = []
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && isTestFunction(node.expression) && node.arguments[0] !== undefined) {
      const name = nameOf(node.arguments[0], source)
      if (name !== undefined) names.push(name)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return names
}

/** The rule ids of the core: `BR-<AREA>-<n>`. */
const coreRuleId = /^BR-[A-Z]+-\d+\b/

/**
 * The test names under some folders of the repository, by rule id (a test name
 * starts with its rule id, `idPattern`): in test files, and in the exported
 * suites of packages/testing that test files run against each adapter.
 */
export const testsByRule = (
  dirs: ReadonlyArray<string> = ["packages", "adapters", "tests"],
  idPattern: RegExp = coreRuleId,
): ReadonlyMap<string, ReadonlyArray<{ readonly file: string; readonly name: string }>> => {
  const found = new Map<string, Array<{ file: string; name: string }>>()
  const visit = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue
      const path = join(dir, entry.name)
      if (entry.isDirectory()) visit(path)
      else if (
        entry.name.endsWith(".test.ts") ||
        (dir.startsWith(join("packages", "testing")) && entry.name.endsWith(".ts"))
      ) {
        for (const name of testNames(path, readFileSync(join(root, path), "utf8"))) {
          const id = idPattern.exec(name)?.[0]
          if (id === undefined) continue
          const list = found.get(id) ?? []
          list.push({ file: path, name })
          found.set(id, list)
        }
      }
    }
  }
  for (const dir of dirs) visit(dir)
  return found
}

/** A business-rules page: its title and introduction, its rules, and where their tests are. */
export interface RulesPage {
  readonly intro: ReadonlyArray<string>
  readonly rules: Readonly<Record<string, { readonly title: string; readonly source: string }>>
  readonly dirs: ReadonlyArray<string>
  readonly idPattern: RegExp
}

/** The core's page: docs/business-rules.md. */
export const coreRules: RulesPage = {
  intro: [
    "# Business rules and their tests",
    "",
    "Generated by `pnpm run docs` from `packages/domain/src/Rules.ts` and the test names (do not edit by hand).",
    "The rules themselves, with their sources in the French admin guides, are in DOMAIN.md; a part marked",
    "(decision) there is our product choice where the guides are silent. Each rule is enforced in `decide` and",
    "checked by property tests whose names start with its id.",
  ],
  rules,
  dirs: ["packages", "adapters", "tests"],
  idPattern: coreRuleId,
}

/** A business-rules page: each rule with the tests named after it (the core's by default). */
export const businessRules = (page: RulesPage = coreRules): string => {
  const tests = testsByRule(page.dirs, page.idPattern)
  const lines = [...page.intro, ""]
  for (const [id, rule] of Object.entries(page.rules)) {
    lines.push(`## ${id}: ${rule.title}`, "", `Source: ${rule.source}.`, "")
    const list = tests.get(id) ?? []
    if (list.length === 0) lines.push("Not implemented yet: no test.", "")
    else {
      for (const test of list) lines.push(`- \`${test.file}\`: ${escapeCell(test.name)}`)
      lines.push("")
    }
  }
  return `${lines.join("\n").trimEnd()}\n`
}

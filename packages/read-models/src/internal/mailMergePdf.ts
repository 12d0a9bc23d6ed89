/**
 * The mail-merge's connection sheets as a PDF (pdfkit): 1, 2 or 8 accounts a
 * page, as seed 003 shows them ("Identifiant : marie.a Code d'activation :
 * 3n6g8fmj", "Responsable de : Emma A Marie A"). Every sheet is clipped to its
 * cell, so that n accounts make exactly ceil(n / perPage) pages.
 *
 * @since 0.1.0
 */
import { createRequire } from "node:module"
import type { Profile } from "@cartable/domain/AccountEvents"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

// pdfkit is CommonJS with `export =` typings, and the project keeps esModuleInterop off.
const PDFDocument: typeof import("pdfkit") = createRequire(import.meta.url)("pdfkit")

/**
 * What a sheet prints.
 *
 * @since 0.1.0
 */
export interface PrintedSheet {
  readonly lastName: string
  readonly firstName: string
  readonly profile: Profile
  readonly login: string
  readonly activationCode?: string | undefined
  readonly classes: ReadonlyArray<string>
  readonly children: ReadonlyArray<{ readonly firstName: string; readonly lastName: string }>
}

/**
 * The layout: accounts per page and the address printed on each sheet.
 *
 * @since 0.1.0
 */
export interface Layout {
  readonly perPage: 1 | 2 | 8
  readonly connectionAddress?: string | undefined
}

const PROFILE_LABEL: Readonly<Record<Profile, string>> = {
  Student: "Élève",
  Relative: "Parent",
  Teacher: "Enseignant",
  Personnel: "Personnel",
  Guest: "Invité",
}

const WIDTH = 595.28
const HEIGHT = 841.89

/** The lines of one sheet, in the seed's words. */
const linesOf = (sheet: PrintedSheet, layout: Layout): ReadonlyArray<string> => [
  `${sheet.lastName} ${sheet.firstName}`,
  PROFILE_LABEL[sheet.profile] + (sheet.classes.length > 0 ? ` - classe de ${sheet.classes.join(", ")}` : ""),
  ...(sheet.children.length > 0
    ? [`Responsable de : ${sheet.children.map((child) => `${child.firstName} ${child.lastName}`).join(", ")}`]
    : []),
  `Identifiant : ${sheet.login}`,
  // BR-ACC-2: the code is printed while the account is not activated, never after.
  sheet.activationCode === undefined
    ? "Compte déjà activé : connectez-vous avec votre mot de passe"
    : `Code d'activation : ${sheet.activationCode}`,
  ...(layout.connectionAddress === undefined ? [] : [`Adresse de connexion : ${layout.connectionAddress}`]),
]

const LETTER =
  "Lors de votre première connexion, entrez votre identifiant et votre code d'activation à la place du mot de passe. " +
  "Il vous sera demandé de choisir un mot de passe (6 caractères minimum, dont une minuscule, une majuscule et un " +
  "chiffre ou un caractère spécial), d'accepter la charte et d'indiquer votre adresse e-mail. " +
  "Les élèves ont des identifiants distincts de ceux de leurs parents."

/** Writes the sheets into a pdfkit document and ends it. */
const write = (document: PDFKit.PDFDocument, sheets: ReadonlyArray<PrintedSheet>, layout: Layout) => {
  const columns = layout.perPage === 8 ? 2 : 1
  const rows = layout.perPage === 8 ? 4 : layout.perPage
  const cellWidth = WIDTH / columns
  const cellHeight = HEIGHT / rows
  const pad = layout.perPage === 8 ? 18 : 48
  const size = layout.perPage === 8 ? 9 : 12
  sheets.forEach((sheet, i) => {
    const slot = i % layout.perPage
    if (slot === 0) document.addPage({ size: "A4", margin: 0 })
    const x = (slot % columns) * cellWidth + pad
    let y = Math.floor(slot / columns) * cellHeight + pad
    const width = cellWidth - 2 * pad
    const bottom = Math.floor(slot / columns) * cellHeight + cellHeight - pad
    const lines = linesOf(sheet, layout)
    const print = (text: string, options: { readonly bold?: boolean; readonly size?: number } = {}) => {
      const height = bottom - y
      if (height <= size) return
      document.font(options.bold ? "Helvetica-Bold" : "Helvetica").fontSize(options.size ?? size)
      // Clipped to the cell: a long list of children never pushes a sheet onto another page.
      document.text(text, x, y, { width, height, ellipsis: true })
      y = document.y + size * 0.4
    }
    if (layout.perPage === 1) print("Connexion à votre Espace Numérique de Travail", { bold: true, size: 16 })
    print(lines[0]!, { bold: true })
    for (const line of lines.slice(1)) print(line)
    if (layout.perPage !== 8) print(LETTER, { size: size - 2 })
  })
  document.end()
}

const newDocument = () =>
  new PDFDocument({ autoFirstPage: false, size: "A4", margin: 0, info: { Title: "Publipostage des comptes" } })

/**
 * The PDF of the sheets as bytes.
 *
 * @since 0.1.0
 */
export const render = (sheets: ReadonlyArray<PrintedSheet>, layout: Layout): Effect.Effect<Uint8Array> =>
  Effect.async<Uint8Array>((resume) => {
    const document = newDocument()
    const chunks: Array<Buffer> = []
    document.on("data", (chunk: Buffer) => chunks.push(chunk))
    document.on("end", () => resume(Effect.succeed(new Uint8Array(Buffer.concat(chunks)))))
    document.on("error", (error: unknown) => resume(Effect.die(error)))
    try {
      write(document, sheets, layout)
    } catch (error) {
      resume(Effect.die(error))
    }
  })

/**
 * The PDF of the sheets as a stream of chunks, as pdfkit produces them.
 *
 * @since 0.1.0
 */
export const stream = (sheets: ReadonlyArray<PrintedSheet>, layout: Layout): Stream.Stream<Uint8Array> =>
  Stream.async<Uint8Array>((emit) => {
    const document = newDocument()
    document.on("data", (chunk: Buffer) => void emit.single(new Uint8Array(chunk)))
    document.on("end", () => void emit.end())
    document.on("error", (error: unknown) => void emit.die(error))
    try {
      write(document, sheets, layout)
    } catch (error) {
      void emit.die(error)
    }
  })

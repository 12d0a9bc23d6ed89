/**
 * A small writer of AAF requests for the tests, written apart from the reader:
 * it escapeXmls text as XML requires and lays requests out one element per line.
 */

export interface Request {
  readonly kind: "add" | "modify" | "delete"
  readonly categoryAttribute: string
  readonly category: string
  readonly id: string
  readonly attributes: ReadonlyArray<readonly [string, ReadonlyArray<string>]>
}

export const escapeXml = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

const values = (vs: ReadonlyArray<string>) =>
  vs.length === 0 ? "<value/>" : vs.map((v) => `<value>${escapeXml(v)}</value>`).join("")

export const request = (r: Request): string => {
  const element = `${r.kind}Request`
  const lines = [
    `<${element}>`,
    `<operationalAttributes><attr name="${r.categoryAttribute}"><value>${escapeXml(r.category)}</value></attr></operationalAttributes>`,
    `<identifier><id>${escapeXml(r.id)}</id></identifier>`,
  ]
  if (r.kind === "add") {
    lines.push("<attributes>")
    for (const [name, vs] of r.attributes) lines.push(`<attr name="${escapeXml(name)}">${values(vs)}</attr>`)
    lines.push("</attributes>")
  } else if (r.kind === "modify") {
    lines.push("<modifications>")
    for (const [name, vs] of r.attributes) {
      lines.push(`<modification name="${escapeXml(name)}" operation="replace">${values(vs)}</modification>`)
    }
    lines.push("</modifications>")
  }
  lines.push(`</${element}>`)
  return `${lines.join("\n")}\n`
}

export const header = (encoding = "UTF-8"): string =>
  `<?xml version="1.0" encoding="${encoding}"?>\n<!DOCTYPE ficAlimMENESR SYSTEM "ficAlimMENESR.dtd">\n<ficAlimMENESR>\n`

export const footer = "</ficAlimMENESR>\n"

export const document = (requests: ReadonlyArray<Request>, encoding = "UTF-8"): string =>
  header(encoding) + requests.map(request).join("") + footer

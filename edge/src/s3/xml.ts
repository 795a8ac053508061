import { XMLBuilder, XMLParser } from 'fast-xml-parser';

// Values stay strings: ETags and upload ids must never be coerced to numbers.
const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true });
const builder = new XMLBuilder({ ignoreAttributes: true });

/** Parses an S3 XML document into plain objects. */
export function readXml(xml: string): Record<string, unknown> {
  return parser.parse(xml) as Record<string, unknown>;
}

/** Serialises plain objects as an XML document body for S3. */
export function writeXml(doc: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${builder.build(doc) as string}`;
}

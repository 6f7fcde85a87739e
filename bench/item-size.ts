/** An attribute value as DynamoDB's JSON wire format carries it (`{"S": "..."}`, `{"M": {...}}`...). */
type WireValue = Record<string, unknown>;

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * The size DynamoDB bills an item by (developer guide, "Item sizes and formats"): each attribute's
 * name plus its value; strings and binaries by their bytes, numbers by about one byte per two
 * significant digits plus one, booleans and nulls one byte, lists and maps 3 bytes plus their
 * elements plus one byte each. Used for what DynamoDB Local does not report: a failed conditional
 * write, billed by the size of the item it left in place.
 */
export function itemSize(item: Record<string, WireValue>): number {
  return Object.entries(item).reduce((size, [name, value]) => size + utf8Bytes(name) + valueSize(value), 0);
}

function valueSize(value: WireValue): number {
  const [[type, inner] = ['NULL', true]] = Object.entries(value);
  switch (type) {
    case 'S':
      return utf8Bytes(String(inner));
    case 'B':
      return Buffer.from(String(inner), 'base64').length;
    case 'N':
      return numberSize(String(inner));
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
      return listOf(inner).reduce((size: number, s) => size + utf8Bytes(String(s)), 0);
    case 'NS':
      return listOf(inner).reduce((size: number, n) => size + numberSize(String(n)), 0);
    case 'BS':
      return listOf(inner).reduce((size: number, b) => size + Buffer.from(String(b), 'base64').length, 0);
    case 'L':
      return 3 + listOf(inner).reduce((size: number, v) => size + 1 + valueSize(v as WireValue), 0);
    case 'M':
      return (
        3 +
        Object.entries(inner as Record<string, WireValue>).reduce(
          (size, [name, v]) => size + 1 + utf8Bytes(name) + valueSize(v),
          0,
        )
      );
    default:
      throw new Error(`unknown DynamoDB attribute type ${type}`);
  }
}

function numberSize(text: string): number {
  const digits = text
    .replace(/^[-+]/, '')
    .replace(/e.*$/i, '')
    .replace('.', '')
    .replace(/^0+|0+$/g, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

const listOf = (inner: unknown): unknown[] => (Array.isArray(inner) ? inner : []);

/** Write request units of an item of `bytes`: one per started KB, at least one. */
export const writeUnitsFor = (bytes: number): number => Math.max(1, Math.ceil(bytes / 1024));

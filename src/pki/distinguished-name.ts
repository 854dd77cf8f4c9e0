/**
 * Distinguished names (RFC 5280 §4.1.2.4) read from DER and printed exactly as OpenSSL prints
 * them, because the `cf.tls_client_auth.*_dn*` fields are OpenSSL's strings: the RFC 2253
 * form is `X509_NAME_print_ex(XN_FLAG_RFC2253)` and the legacy form is `X509_NAME_oneline`.
 * Reproducing OpenSSL byte for byte matters more here than following RFC 4514 to the letter:
 * rules compare these strings with `eq`.
 *
 * TODO(compat): the reference is OpenSSL 3.0. Cloudflare documents only ASCII, single-valued
 * examples, so two choices are unconfirmed against its edge: non-ASCII as `\XX` bytes in the
 * RFC 2253 form, and `\/`, `\+` escapes and `+`-joined multi-valued RDNs in the legacy form
 * (as far as known, OpenSSL 1.1 printed neither; BoringSSL is unchecked).
 */
import { DerError, Tag, decodeOid, expectTag, readChildren, readElement } from './der.ts';
import { toHexUpper } from './hex.ts';

/** One attribute of a name, in DER order, with the index of its RDN. */
export interface NameAttribute {
  /** Dotted object identifier of the attribute type. */
  readonly oid: string;
  /** Index of the RelativeDistinguishedName (SET) that holds it; equal for multi-valued RDNs. */
  readonly rdn: number;
  /** The value's ASN.1 tag (12 = UTF8String, 19 = PrintableString, ...). */
  readonly tag: number;
  /** The value's content octets. */
  readonly content: Uint8Array;
  /** The value's whole DER encoding. */
  readonly encoded: Uint8Array;
}

/**
 * Short names as OpenSSL's object table spells them (`OBJ_nid2sn`). An attribute type missing
 * here prints as its dotted OID with a `#`-hex value, as OpenSSL does for types it does not
 * know (RFC 2253 §2.4).
 */
export const ATTRIBUTE_SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.13': 'description',
  '2.5.4.14': 'searchGuide',
  '2.5.4.15': 'businessCategory',
  '2.5.4.16': 'postalAddress',
  '2.5.4.17': 'postalCode',
  '2.5.4.18': 'postOfficeBox',
  '2.5.4.19': 'physicalDeliveryOfficeName',
  '2.5.4.20': 'telephoneNumber',
  '2.5.4.21': 'telexNumber',
  '2.5.4.22': 'teletexTerminalIdentifier',
  '2.5.4.23': 'facsimileTelephoneNumber',
  '2.5.4.24': 'x121Address',
  '2.5.4.25': 'internationaliSDNNumber',
  '2.5.4.26': 'registeredAddress',
  '2.5.4.27': 'destinationIndicator',
  '2.5.4.28': 'preferredDeliveryMethod',
  '2.5.4.29': 'presentationAddress',
  '2.5.4.30': 'supportedApplicationContext',
  '2.5.4.31': 'member',
  '2.5.4.32': 'owner',
  '2.5.4.33': 'roleOccupant',
  '2.5.4.34': 'seeAlso',
  '2.5.4.35': 'userPassword',
  '2.5.4.36': 'userCertificate',
  '2.5.4.37': 'cACertificate',
  '2.5.4.38': 'authorityRevocationList',
  '2.5.4.39': 'certificateRevocationList',
  '2.5.4.40': 'crossCertificatePair',
  '2.5.4.41': 'name',
  '2.5.4.42': 'GN',
  '2.5.4.43': 'initials',
  '2.5.4.44': 'generationQualifier',
  '2.5.4.45': 'x500UniqueIdentifier',
  '2.5.4.46': 'dnQualifier',
  '2.5.4.47': 'enhancedSearchGuide',
  '2.5.4.48': 'protocolInformation',
  '2.5.4.49': 'distinguishedName',
  '2.5.4.50': 'uniqueMember',
  '2.5.4.51': 'houseIdentifier',
  '2.5.4.52': 'supportedAlgorithms',
  '2.5.4.53': 'deltaRevocationList',
  '2.5.4.54': 'dmdName',
  '2.5.4.65': 'pseudonym',
  '2.5.4.72': 'role',
  '2.5.4.97': 'organizationIdentifier',
  '2.5.4.98': 'c3',
  '2.5.4.99': 'n3',
  '2.5.4.100': 'dnsName',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '1.2.840.113549.1.9.2': 'unstructuredName',
  '1.2.840.113549.1.9.8': 'unstructuredAddress',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.3.6.1.4.1.311.60.2.1.1': 'jurisdictionL',
  '1.3.6.1.4.1.311.60.2.1.2': 'jurisdictionST',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC',
};

/** Reads a Name (SEQUENCE OF RelativeDistinguishedName) into its attributes, in DER order. */
export function readName(nameDer: Uint8Array): NameAttribute[] {
  const name = expectTag(readElement(nameDer), Tag.SEQUENCE);
  const attributes: NameAttribute[] = [];
  readChildren(name.content).forEach((rdn, index) => {
    expectTag(rdn, Tag.SET);
    for (const atv of readChildren(rdn.content)) {
      const [type, value] = readChildren(expectTag(atv, Tag.SEQUENCE).content);
      if (value === undefined) throw new DerError('attribute without a value');
      attributes.push({
        oid: decodeOid(expectTag(type, Tag.OID).content),
        rdn: index,
        tag: value.tag,
        content: value.content,
        encoded: value.encoded,
      });
    }
  });
  return attributes;
}

/**
 * The RFC 2253 form, as `openssl x509 -nameopt RFC2253` prints it: most significant RDN
 * last, `,` between RDNs and `+` inside a multi-valued one, RFC 2253 §2.4 escapes, and
 * every byte above 0x7F of the UTF-8 form escaped as `\XX` (OpenSSL's ESC_MSB).
 */
export function formatRfc2253(attributes: readonly NameAttribute[]): string {
  let out = '';
  for (let i = attributes.length - 1; i >= 0; i--) {
    const attr = attributes[i] as NameAttribute;
    if (i < attributes.length - 1) {
      out += (attributes[i + 1] as NameAttribute).rdn === attr.rdn ? '+' : ',';
    }
    const shortName = ATTRIBUTE_SHORT_NAMES[attr.oid];
    out += `${shortName ?? attr.oid}=`;
    out += shortName === undefined ? dump(attr) : rfc2253Value(attr);
  }
  return out;
}

/**
 * The legacy form, as OpenSSL's `X509_NAME_oneline` prints it (and `openssl x509 -nameopt
 * compat`): `/C=US/ST=Texas/CN=name`, members of a multi-valued RDN joined by `+`, `/` and
 * `+` escaped with a backslash, bytes outside printable ASCII as `\xHH`.
 */
export function formatLegacy(attributes: readonly NameAttribute[]): string {
  let out = '';
  attributes.forEach((attr, i) => {
    const previous = attributes[i - 1];
    out += previous !== undefined && previous.rdn === attr.rdn ? '+' : '/';
    out += `${ATTRIBUTE_SHORT_NAMES[attr.oid] ?? attr.oid}=`;
    for (const byte of legacyBytes(attr)) {
      if (byte < 0x20 || byte > 0x7e) out += `\\x${hexByte(byte)}`;
      else if (byte === 0x2f || byte === 0x2b) out += `\\${String.fromCharCode(byte)}`;
      else out += String.fromCharCode(byte);
    }
  });
  return out;
}

/**
 * The text of the first attribute with `oid`, decoded from its string type, or undefined.
 * For API metadata (common_name, organization, ...), not for rule fields.
 */
export function attributeText(
  attributes: readonly NameAttribute[],
  oid: string,
): string | undefined {
  const attr = attributes.find((a) => a.oid === oid);
  return attr === undefined ? undefined : decodeString(attr.tag, attr.content);
}

/** Object identifiers of the subject fields the API reports. */
export const NameOid = {
  COMMON_NAME: '2.5.4.3',
  COUNTRY: '2.5.4.6',
  LOCALITY: '2.5.4.7',
  STATE: '2.5.4.8',
  ORGANIZATION: '2.5.4.10',
  ORGANIZATIONAL_UNIT: '2.5.4.11',
} as const;

/** Decodes a directory string (RFC 5280 §4.1.2.4) to JavaScript text. */
export function decodeString(tag: number, content: Uint8Array): string {
  const buf = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  switch (tag) {
    case Tag.UTF8_STRING:
      return buf.toString('utf8');
    case Tag.BMP_STRING:
      return String.fromCodePoint(...codePoints(content, 2));
    case Tag.UNIVERSAL_STRING:
      return String.fromCodePoint(...codePoints(content, 4));
    default:
      // PrintableString, IA5String, TeletexString and the rest: one byte per character.
      return buf.toString('latin1');
  }
}

// OpenSSL's tag2nbyte: bytes per character of each string type it prints as text; 0 is
// UTF8String, which the RFC 2253 flags print byte by byte without conversion.
const CHAR_WIDTH: Readonly<Record<number, number>> = {
  [Tag.UTF8_STRING]: 0,
  0x12: 1, // NumericString
  [Tag.PRINTABLE_STRING]: 1,
  [Tag.T61_STRING]: 1,
  [Tag.IA5_STRING]: 1,
  [Tag.UTC_TIME]: 1,
  [Tag.GENERALIZED_TIME]: 1,
  0x1a: 1, // VisibleString
  [Tag.UNIVERSAL_STRING]: 4,
  [Tag.BMP_STRING]: 2,
};

function rfc2253Value(attr: NameAttribute): string {
  const width = CHAR_WIDTH[attr.tag];
  if (width === undefined) return dump(attr);
  // UTF8String goes out byte by byte; the other types are converted to UTF-8 first.
  const units: number[] =
    width === 0 ? [...attr.content] : codePoints(attr.content, width).flatMap(utf8Bytes);
  if (width > 1 && attr.content.length % width !== 0) return dump(attr);

  // OpenSSL escapes per character, but a multi-byte character is always escaped as \XX
  // bytes, so deciding first/last on the byte sequence gives the same output.
  const chars = width === 0 ? units.map((u) => [u]) : groupUtf8(units);
  let out = '';
  chars.forEach((bytes, index) => {
    const first = index === 0;
    const last = index === chars.length - 1;
    for (const byte of bytes) out += escape2253(byte, first && !last, last);
  });
  return out;
}

function escape2253(byte: number, first: boolean, last: boolean): string {
  if (byte > 0x7f || byte < 0x20 || byte === 0x7f) return `\\${hexByte(byte)}`;
  const ch = String.fromCharCode(byte);
  if (',+"\\<>;'.includes(ch)) return `\\${ch}`;
  // RFC 2253 §2.4: a leading '#' or space and a trailing space are escaped. OpenSSL applies
  // only the trailing rule to a one-character value, so a lone '#' stays bare.
  if (first && (ch === '#' || ch === ' ')) return `\\${ch}`;
  if (last && ch === ' ') return `\\${ch}`;
  return ch;
}

function dump(attr: NameAttribute): string {
  return `#${toHexUpper(attr.encoded)}`;
}

function legacyBytes(attr: NameAttribute): Uint8Array {
  // X509_NAME_oneline skips the zero padding of a GeneralString that holds UCS-4 text.
  if (attr.tag === 0x1b && attr.content.length % 4 === 0) {
    const only3 = attr.content.every((b, i) => i % 4 === 3 || b === 0);
    if (only3) return attr.content.filter((_, i) => i % 4 === 3);
  }
  return attr.content;
}

function codePoints(content: Uint8Array, width: number): number[] {
  const points: number[] = [];
  for (let i = 0; i + width <= content.length; i += width) {
    let cp = 0;
    for (let j = 0; j < width; j++) cp = cp * 256 + (content[i + j] ?? 0);
    points.push(cp);
  }
  return points;
}

function utf8Bytes(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
  return [
    0xf0 | (cp >> 18),
    0x80 | ((cp >> 12) & 0x3f),
    0x80 | ((cp >> 6) & 0x3f),
    0x80 | (cp & 0x3f),
  ];
}

function groupUtf8(bytes: number[]): number[][] {
  const groups: number[][] = [];
  for (const b of bytes) {
    const last = groups[groups.length - 1];
    if (last !== undefined && (b & 0xc0) === 0x80) last.push(b);
    else groups.push([b]);
  }
  return groups;
}

function hexByte(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

/**
 * Reading a CSV file's header in the page, the way the server does (backend
 * imports/pipeline/reading.py): a byte-order mark decides the encoding, the delimiter is the
 * candidate that splits the sample into the most columns consistently, and the header is the
 * first non-blank record, its names trimmed.
 */

export const CANDIDATE_DELIMITERS = [',', ';', '\t', '|'] as const;
export const SAMPLE_BYTES = 64 * 1024;

export type HeaderInfo = {
  /** Header names, trimmed, in file order. */
  names: string[];
  delimiter: string;
  encoding: string;
  /** 1-based record number of the header (blank lines before it count). */
  rowNumber: number;
};

/** The text of the first bytes of a file, decoded as the server would. */
export function decodeSample(bytes: Uint8Array): { text: string; encoding: string } {
  const b = bytes;
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0x00 && b[3] === 0x00) {
    return { text: decodeUtf32(b.subarray(4), true), encoding: 'utf-32' };
  }
  if (b[0] === 0x00 && b[1] === 0x00 && b[2] === 0xfe && b[3] === 0xff) {
    return { text: decodeUtf32(b.subarray(4), false), encoding: 'utf-32' };
  }
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(b.subarray(3)), encoding: 'utf-8-sig' };
  }
  if (b[0] === 0xff && b[1] === 0xfe) {
    return { text: new TextDecoder('utf-16le').decode(b.subarray(2)), encoding: 'utf-16' };
  }
  if (b[0] === 0xfe && b[1] === 0xff) {
    return { text: new TextDecoder('utf-16be').decode(b.subarray(2)), encoding: 'utf-16' };
  }
  // ignoreBOM keeps a U+FEFF we did not expect; fatal: false turns bad bytes into U+FFFD.
  return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(b), encoding: 'utf-8' };
}

function decodeUtf32(bytes: Uint8Array, littleEndian: boolean): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let out = '';
  for (let i = 0; i + 4 <= bytes.byteLength; i += 4) {
    const code = view.getUint32(i, littleEndian);
    out += code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
  }
  return out;
}

/**
 * Parse CSV records like Python's csv.reader with quotechar '"', doublequote and strict=False.
 * A blank line is an empty record ([]). Stops after `limit` records.
 */
export function parseRecords(text: string, delimiter: string, limit = Number.POSITIVE_INFINITY): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let state: 'start' | 'field' | 'quoted' | 'quote' = 'start';
  let i = 0;
  const endRecord = () => {
    if (state === 'start' && fields.length === 0 && field === '') records.push([]);
    else {
      fields.push(field);
      records.push(fields);
    }
    fields = [];
    field = '';
    state = 'start';
  };
  while (i < text.length && records.length < limit) {
    const c = text[i] as string;
    if (state === 'quoted') {
      if (c === '"') state = 'quote';
      else field += c;
      i += 1;
      continue;
    }
    if (state === 'quote') {
      // After a closing quote: a doubled quote is a literal one; otherwise the quoted part ended.
      if (c === '"') {
        field += '"';
        state = 'quoted';
        i += 1;
        continue;
      }
      state = 'field';
    }
    if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    if (c === delimiter) {
      fields.push(field);
      field = '';
      state = 'field';
      // An empty field before a line end still makes a record: mark that we are inside one.
      i += 1;
      continue;
    }
    if (c === '"' && (state === 'start' || (state === 'field' && field === '' && lastWasDelimiter(text, i, delimiter)))) {
      state = 'quoted';
      i += 1;
      continue;
    }
    field += c;
    state = 'field';
    i += 1;
  }
  if (records.length < limit && (state !== 'start' || fields.length > 0 || field !== '')) {
    fields.push(field);
    records.push(fields);
  }
  return records;
}

function lastWasDelimiter(text: string, i: number, delimiter: string): boolean {
  return i > 0 && text[i - 1] === delimiter;
}

/** Lines as Python's str.splitlines(keepends=True) gives them for CSV text. */
function splitLinesKeepEnds(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

/** The delimiter that splits the sample into the most columns, consistently over its rows. */
export function sniffDelimiter(sample: string): string {
  let lines = splitLinesKeepEnds(sample);
  if (lines.length > 1 && !/[\r\n]$/.test(sample)) lines = lines.slice(0, -1);
  const text = lines.slice(0, 200).join('');
  let best = ',';
  let bestScore: [number, number] = [-1, 0];
  for (const delimiter of CANDIDATE_DELIMITERS) {
    const rows = parseRecords(text, delimiter, 100).filter((r) => r.length > 0);
    const first = rows[0];
    if (!first || first.length < 2) continue;
    const width = first.length;
    const body = rows.slice(1);
    const consistency = body.length ? body.filter((r) => r.length === width).length / body.length : 1;
    if (consistency > bestScore[0] || (consistency === bestScore[0] && width > bestScore[1])) {
      best = delimiter;
      bestScore = [consistency, width];
    }
  }
  return best;
}

/** The header of a file from its first bytes, or null when they hold no record. */
export function headerFromBytes(bytes: Uint8Array): HeaderInfo | null {
  const { text, encoding } = decodeSample(bytes);
  const delimiter = sniffDelimiter(text);
  const records = parseRecords(text, delimiter, 1000);
  for (let index = 0; index < records.length; index += 1) {
    const record = records[index] as string[];
    if (record.length > 0) {
      return { names: record.map((name) => name.trim()), delimiter, encoding, rowNumber: index + 1 };
    }
  }
  return null;
}

function readBytes(blob: Blob): Promise<ArrayBuffer> {
  if (typeof blob.arrayBuffer === 'function') return blob.arrayBuffer();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as ArrayBuffer);
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsArrayBuffer(blob);
  });
}

/** Read the first SAMPLE_BYTES of a file and find its header. */
export async function readCsvHeader(file: Blob): Promise<HeaderInfo | null> {
  const buffer = await readBytes(file.slice(0, SAMPLE_BYTES));
  return headerFromBytes(new Uint8Array(buffer));
}

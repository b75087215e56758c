import { describe, expect, it } from 'vitest';

import { headerFromBytes, parseRecords, readCsvHeader, sniffDelimiter } from './csv-header';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('headerFromBytes', () => {
  it('reads a comma-separated header and trims the names', () => {
    const header = headerFromBytes(utf8(' title , Author,isbn\nA,B,9780306406157\n'));
    expect(header).toEqual({ names: ['title', 'Author', 'isbn'], delimiter: ',', encoding: 'utf-8', rowNumber: 1 });
  });

  it('drops a UTF-8 byte-order mark so the first name matches', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('title,author,isbn\n')]);
    const header = headerFromBytes(bytes);
    expect(header?.names[0]).toBe('title');
    expect(header?.encoding).toBe('utf-8-sig');
  });

  it('decodes UTF-16 with its byte-order mark', () => {
    const text = 'title;author\r\nA;B\r\n';
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes[0] = 0xff;
    bytes[1] = 0xfe;
    for (let i = 0; i < text.length; i += 1) bytes[2 + i * 2] = text.charCodeAt(i);
    expect(headerFromBytes(bytes)).toMatchObject({ names: ['title', 'author'], delimiter: ';', encoding: 'utf-16' });
  });

  it('finds the semicolon delimiter even when titles contain commas', () => {
    const sample = 'title;author;isbn\n"Maps, Rivers";Ann;9780306406157\nSalt, Cedar;Bo;9780306406158\n';
    expect(headerFromBytes(utf8(sample))).toMatchObject({ names: ['title', 'author', 'isbn'], delimiter: ';' });
  });

  it('reads quoted headers with delimiters, doubled quotes and line breaks inside', () => {
    const sample = '"Book, Title","The ""Author""","ISBN\n13"\nA,B,C\n';
    expect(headerFromBytes(utf8(sample))?.names).toEqual(['Book, Title', 'The "Author"', 'ISBN\n13']);
  });

  it('skips blank lines before the header and counts them', () => {
    expect(headerFromBytes(utf8('\n\r\ntitle|author\nA|B\n'))).toMatchObject({ names: ['title', 'author'], delimiter: '|', rowNumber: 3 });
  });

  it('sniffs tab-separated files', () => {
    expect(headerFromBytes(utf8('title\tauthor\tisbn\nA\tB\tC\n'))?.delimiter).toBe('\t');
  });

  it('returns null for a file without records', () => {
    expect(headerFromBytes(utf8('\n\n'))).toBeNull();
    expect(headerFromBytes(new Uint8Array())).toBeNull();
  });
});

describe('sniffDelimiter', () => {
  it('prefers the delimiter whose rows have a consistent width over a wider but ragged one', () => {
    // Both split the header in two; only semicolons give every row the same width.
    const sample = 'a,b;c\n1;2\n3;4,5,6\n7;8\n';
    expect(sniffDelimiter(sample)).toBe(';');
  });

  it('ignores a cut last line of the sample', () => {
    expect(sniffDelimiter('a;b;c\n1;2;3\n4;5')).toBe(';');
  });

  it('falls back to a comma for a single column', () => {
    expect(sniffDelimiter('title\nA\nB\n')).toBe(',');
  });
});

describe('parseRecords', () => {
  it('keeps text after a closing quote like a lenient CSV reader', () => {
    expect(parseRecords('"ab"c,d\n', ',')).toEqual([['abc', 'd']]);
  });

  it('treats a quote inside an unquoted field as text', () => {
    expect(parseRecords('a"b,c\n', ',')).toEqual([['a"b', 'c']]);
  });

  it('yields empty records for blank lines and keeps trailing empty fields', () => {
    expect(parseRecords('a,\n\nb,c', ',')).toEqual([['a', ''], [], ['b', 'c']]);
  });
});

describe('readCsvHeader', () => {
  it('reads only the first bytes of a File', async () => {
    const big = `title,author,isbn\n${'A,B,9780306406157\n'.repeat(10_000)}`;
    const header = await readCsvHeader(new File([big], 'big.csv', { type: 'text/csv' }));
    expect(header?.names).toEqual(['title', 'author', 'isbn']);
  });
});

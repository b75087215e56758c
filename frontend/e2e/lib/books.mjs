// ISBN arithmetic and generated book files for the tests.

/** The ISBN-13 check digit of 12 digits. */
export function isbn13CheckDigit(first12) {
  let total = 0;
  for (let i = 0; i < 12; i += 1) total += Number(first12[i]) * (i % 2 ? 3 : 1);
  return String((10 - (total % 10)) % 10);
}

/** A valid ISBN-13 from a number (978 + 9 digits + check digit). */
export function isbn13(n) {
  const first12 = `978${String(n).padStart(9, '0')}`;
  return first12 + isbn13CheckDigit(first12);
}

/** The ISBN-13 the server stores for an ISBN-10 (hyphens allowed). */
export function isbn10To13(isbn10) {
  const first12 = `978${isbn10.replace(/[^0-9Xx]/g, '').slice(0, 9)}`;
  return first12 + isbn13CheckDigit(first12);
}

/**
 * A books CSV of `rows` data rows; every `badEvery`-th row has a publication year out of range.
 * Returns the text and the row numbers (header = row 1) that must be rejected.
 */
export function generatedBooks({ rows, badEvery, start = 500000000 }) {
  const lines = ['title,author,isbn,publication_year'];
  const badRows = [];
  for (let i = 1; i <= rows; i += 1) {
    const bad = badEvery && i % badEvery === 0;
    if (bad) badRows.push(i + 1);
    lines.push(`Generated book ${i},Author ${i % 97},${isbn13(start + i)},${bad ? 99999 : 1900 + (i % 120)}`);
  }
  return { text: `${lines.join('\n')}\n`, badRows };
}

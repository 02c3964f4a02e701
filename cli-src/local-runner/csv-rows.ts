// CSV as a Distributed Map's ItemReader reads it (https://docs.aws.amazon.com/step-functions/latest/dg/example-csv-parse-dist-map.html):
// fields split by the delimiter; a quoted field may hold delimiters, line breaks and doubled
// quotes; a backslash escapes a backslash, a quote or the delimiter, and before any other
// character is dropped; records end with LF or CRLF. Values stay strings.

/** The rows of `text`, each a list of fields; a blank line is no row. */
export function csvRows(text: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  // Whether the line held anything at all (`""` is a row of one empty field, not a blank line).
  let content = false;
  let i = 0;
  const endRow = () => {
    row.push(field);
    if (content) rows.push(row);
    row = [];
    field = '';
    content = false;
  };
  while (i < text.length) {
    const c = text[i];
    if (!(c === '\n' || (c === '\r' && text[i + 1] === '\n')) || quoted) content = true;
    if (c === '\\') {
      // Escaped: the next character is literal; a backslash before anything else is removed.
      if (i + 1 < text.length) field += text[i + 1];
      i += 2;
    } else if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        field += c;
        i++;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
      i++;
    } else if (c === delimiter) {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      endRow();
      i += 2;
    } else if (c === '\n') {
      endRow();
      i++;
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) throw new Error('a quoted field is not closed');
  if (content) endRow();
  return rows;
}

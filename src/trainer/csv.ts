/**
 * Splits one delimited line into fields, honouring double quotes ("a, b" and "" for a quote), and
 * returns each field's 1-based start column for error messages. Records spanning lines are not supported.
 */
export function splitLine(line: string, delimiter: string): { fields: string[]; columns: number[] } {
  const fields: string[] = [];
  const columns: number[] = [];
  let i = 0;
  for (;;) {
    columns.push(i + 1);
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new SyntaxError(`unterminated quote starting at column ${columns[columns.length - 1]}`);
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(value);
      if (i < line.length && line[i] !== delimiter) throw new SyntaxError(`expected ${JSON.stringify(delimiter)} after the quoted field at column ${i + 1}`);
    } else {
      const d = line.indexOf(delimiter, i);
      fields.push(line.slice(i, d < 0 ? line.length : d));
      i = d < 0 ? line.length : d;
    }
    if (i >= line.length) return { fields, columns };
    i++; // past the delimiter
  }
}

/** Progress on stderr: one rewritten line on a terminal, plain lines otherwise (logs, CI). */
export function progressLine(stream: NodeJS.WriteStream = process.stderr) {
  let last = '';
  return {
    update(text: string) {
      if (stream.isTTY) {
        stream.write(`\r${text.padEnd(last.length)}`);
        last = text;
      }
    },
    line(text: string) {
      if (stream.isTTY && last) stream.write(`\r${' '.repeat(last.length)}\r`);
      last = '';
      stream.write(`${text}\n`);
    },
  };
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

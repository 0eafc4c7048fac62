import { progressBar } from '../../cli/progress';

function stream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = { isTTY, columns: 100, text: '', write(chunk: string) { s.text += chunk; return true; } };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

test('a progress bar is drawn only on a terminal, at most ten times a second, and cleared at the end', () => {
  const now = jest.spyOn(Date, 'now');
  try {
    let t = 1_000_000;
    now.mockImplementation(() => t);
    const tty = stream(true);
    const bar = progressBar('mortgages.transactions', tty);
    bar.update(10e6, 100e6); // within the first half second: nothing
    expect(tty.text).toBe('');
    t += 600;
    bar.update(25e6, 100e6);
    expect(tty.text).toMatch(/^\rmortgages\.transactions \[#+\.+\]  25%  25\/100 MB  41\.7 MB\/s $/);
    const drawn = tty.text;
    t += 50;
    bar.update(30e6, 100e6); // too soon: not redrawn
    expect(tty.text).toBe(drawn);
    t += 100;
    bar.update(100e6, 100e6);
    expect(tty.text).toMatch(/100%  100\/100 MB/);
    bar.end();
    expect(tty.text.endsWith('\r\x1b[K')).toBe(true);

    const pipe = stream(false);
    const quiet = progressBar('x', pipe);
    t += 10_000;
    quiet.update(1, 2);
    quiet.end();
    expect(pipe.text).toBe('');
  } finally {
    now.mockRestore();
  }
});

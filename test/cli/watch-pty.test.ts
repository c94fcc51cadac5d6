/**
 * Issue 17: `status --watch` under a real pseudo-terminal (util-linux `script`), its output replayed
 * through a small terminal model: the frames go to the alternate screen, nothing scrolls (the
 * scrollback does not grow), and after more than 10 redraws the header is still on the top row.
 */
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import test from 'ava';
import { startDemo } from '../../sim/demo.js';

const ROWS = 30;
/** A control sequence's parameters and command, after its ESC [. */
const CSI = /^([0-9;?]*)([A-Za-z])/;
const COLUMNS = 100;

function hasScript(): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Enough of a VT100 for these frames: cursor home, clears, the alternate screen, newlines that scroll at the bottom. */
class TerminalModel {
  readonly main: string[][];
  alternate: string[][] | undefined;
  row = 0;
  column = 0;
  /** Lines scrolled off the top of the main screen: the scrollback's growth. */
  scrollback = 0;
  /** Lines scrolled off the alternate screen: a frame taller than the screen. */
  alternateScrolls = 0;
  homes = 0;

  constructor(
    readonly rows: number,
    readonly columns: number,
  ) {
    this.main = this.blank();
  }

  blank(): string[][] {
    return Array.from({ length: this.rows }, () => Array.from({ length: this.columns }, () => ' '));
  }

  get screen(): string[][] {
    return this.alternate ?? this.main;
  }

  line(row: number): string {
    return (this.screen[row] ?? []).join('').trimEnd();
  }

  newline(): void {
    if (this.row < this.rows - 1) {
      this.row += 1;
      return;
    }
    this.screen.shift();
    this.screen.push(Array.from({ length: this.columns }, () => ' '));
    if (this.alternate) this.alternateScrolls += 1;
    else this.scrollback += 1;
  }

  feed(text: string): void {
    for (let i = 0; i < text.length; i += 1) {
      const ch = text[i] ?? '';
      if (ch === '\x1b' && text[i + 1] === '[') {
        const match = CSI.exec(text.slice(i + 2));
        if (!match) continue;
        i += match[0].length + 1;
        this.csi(match[1] ?? '', match[2] ?? '');
      } else if (ch === '\r') this.column = 0;
      else if (ch === '\n') this.newline();
      else if (ch >= ' ') {
        if (this.column >= this.columns) {
          this.column = 0;
          this.newline();
        }
        const row = this.screen[this.row];
        if (row) row[this.column] = ch;
        this.column += 1;
      }
    }
  }

  csi(params: string, command: string): void {
    const row = this.screen[this.row] ?? [];
    switch (`${params.startsWith('?') ? '?' : ''}${command}`) {
      case 'H':
        this.row = 0;
        this.column = 0;
        this.homes += 1;
        return;
      case 'K':
        for (let c = this.column; c < this.columns; c += 1) row[c] = ' ';
        return;
      case 'J':
        if (params === '2') {
          for (const r of this.screen) r.fill(' ');
          return;
        }
        for (let c = this.column; c < this.columns; c += 1) row[c] = ' ';
        for (let r = this.row + 1; r < this.rows; r += 1) this.screen[r]?.fill(' ');
        return;
      case '?h':
        if (params === '?1049') {
          this.alternate = this.blank();
          this.row = 0;
          this.column = 0;
        }
        return;
      case '?l':
        if (params === '?1049') this.alternate = undefined;
        return;
      default:
        // Colours (m) and the cursor's visibility change nothing here.
        return;
    }
  }
}

test('status --watch under a pseudo-terminal: alternate screen, no scrollback growth, the header on top after 10 redraws', async (t) => {
  if (!hasScript()) {
    t.log('util-linux script is not installed; the pseudo-terminal test is skipped');
    t.pass();
    return;
  }
  const demo = await startDemo({ printers: 20, seed: 3 });
  t.teardown(() => demo.stop());
  const cli = join(process.cwd(), 'cli', 'bin', '3dconnect.js');
  // The watcher runs 15 s at 0.2 s per frame (a loaded machine draws far fewer), then gets Ctrl-C's signal and must restore the screen.
  const inner = `stty rows ${ROWS} cols ${COLUMNS}; exec timeout -s INT 15 '${process.execPath}' '${cli}' status --watch --interval 0.2 --socket '${demo.config.control.socket}'`;
  const output = await new Promise<string>((resolve, reject) => {
    execFile(
      'script',
      ['-qfec', inner, '/dev/null'],
      { env: { ...process.env, TERM: 'xterm-256color' }, timeout: 60_000, maxBuffer: 64 * 2 ** 20 },
      (error, stdout) => {
        // timeout exits 124 when it had to send the signal: expected. Killed by execFile's own timeout means the watcher
        // did not end within 45 s of its Ctrl-C; say so rather than fail on the missing sequence below.
        if (error?.killed)
          reject(new Error(`the watcher did not stop within 60 s (${error.signal}): ${JSON.stringify(stdout.slice(-500))}`));
        else if (error && typeof error.code === 'number' && error.code !== 124 && error.code !== 0)
          reject(new Error(`script exited ${error.code}: ${stdout.slice(-500)}`));
        else resolve(stdout);
      },
    );
  });
  const terminal = new TerminalModel(ROWS, COLUMNS);
  const leave = output.lastIndexOf('\x1b[?1049l');
  t.true(output.includes('\x1b[?1049h'), 'the alternate screen is used');
  t.true(leave > 0, `and left when stopped; the output ends ${JSON.stringify(output.slice(-300))}`);
  // Replay everything up to leaving the alternate screen: the last frame is what the operator saw.
  terminal.feed(output.slice(0, leave));
  t.true(terminal.homes >= 11, `more than 10 redraws (${terminal.homes})`);
  t.is(terminal.alternateScrolls, 0, 'no frame scrolled the screen');
  t.is(terminal.scrollback, 0, 'nothing piled up in the scrollback');
  t.true(terminal.line(0).startsWith('3dconnect '), `the header is on the top row: ${terminal.line(0)}`);
  t.true(terminal.line(1).startsWith('uplink '), terminal.line(1));
  t.true(terminal.line(4).startsWith('p01 '), terminal.line(4));
  t.log(Array.from({ length: ROWS }, (_, row) => terminal.line(row)).join('\n'));
  terminal.feed(output.slice(leave));
  t.true(terminal.scrollback <= 1, 'back on the main screen, at most the final newline');
});

// Minimal ANSI styling. Whether to colour is decided by the caller (TTY and NO_COLOR, see
// cli/options.ts useColor); with color off every helper is the identity, so outputs stay plain.

export interface Paint {
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
  cyan(s: string): string;
  magenta(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;

const colored: Paint = {
  green: wrap(32, 39),
  yellow: wrap(33, 39),
  red: wrap(31, 39),
  cyan: wrap(36, 39),
  magenta: wrap(35, 39),
  bold: wrap(1, 22),
  dim: wrap(2, 22),
};

const identity = (s: string) => s;
const plain: Paint = { green: identity, yellow: identity, red: identity, cyan: identity, magenta: identity, bold: identity, dim: identity };

/** The palette to use: real colours or none. */
export function paint(color: boolean): Paint {
  return color ? colored : plain;
}

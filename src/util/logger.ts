// Structured logger: JSON lines for the daemon, quiet human lines for the CLI. Callers pass fields,
// never preformatted secrets; every line is also passed through the redaction of resolved secret
// values (a value can hide in an error message a library built) before it is written.
import { Writable } from 'node:stream';
import { redact } from './redact.js';
import { safeText, terminalJson } from './terminal-text.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(
  opts: { level?: LogLevel; format?: 'json' | 'text'; stream?: NodeJS.WritableStream; fields?: Record<string, unknown> } = {},
): Logger {
  const level = opts.level ?? ((process.env.BOREAS_LOG_LEVEL as LogLevel) || 'warn');
  const format = opts.format ?? 'text';
  const stream = opts.stream ?? process.stderr;
  const base = opts.fields ?? {};
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (order[lvl] < order[level]) return;
    if (format === 'json') {
      stream.write(redact(terminalJson({ time: new Date().toISOString(), level: lvl, msg, ...base, ...fields })) + '\n');
    } else {
      const extra = { ...base, ...fields };
      const tail = Object.keys(extra).length
        ? ' ' +
          Object.entries(extra)
            .map(([k, v]) => `${k}=${typeof v === 'string' ? safeText(v) : terminalJson(v)}`)
            .join(' ')
        : '';
      stream.write(redact(`${lvl}: ${safeText(msg)}${tail}`) + '\n');
    }
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger({ level, format, stream, fields: { ...base, ...fields } }),
  };
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = createLogger({ level: 'error', stream: new Writable({ write: (_chunk, _enc, done) => done() }) });

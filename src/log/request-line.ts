import { pino, type Logger } from 'pino';

/** The fields of the per-request log line, in the order they are written. */
export interface RequestLineFields {
  reqId: string;
  method: string;
  route: string;
  status: number;
  engine: string;
  reason: string;
  ms: number;
}

type LineStream = { write(line: string): unknown; [key: symbol]: unknown };

/**
 * The per-request log line, preformatted and written straight to the logger's destination: the
 * same JSON line pino writes for `logger.info(fields)` (level, ISO time, the logger's bindings,
 * then the fields), without pino's per-call object serialisation. Measured in
 * bench/results/PROFILE.md. Falls back to `logger.info` when the destination needs pino's
 * metadata (a multistream) or info is not enabled at creation.
 */
export function createRequestLine(logger: Logger): (fields: RequestLineFields) => void {
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as
    LineStream | undefined;
  const bindings = (logger as unknown as Record<symbol, unknown>)[pino.symbols.chindingsSym];
  if (
    stream === undefined ||
    typeof stream.write !== 'function' ||
    stream[pino.symbols.needsMetadataGsym] === true ||
    typeof bindings !== 'string'
  ) {
    return (fields) => logger.info(fields);
  }
  const prefix = `{"level":${logger.levels.values.info}`;
  // One ISO string per millisecond: under load many lines share it.
  let lastMs = -1;
  let lastTime = '';
  // The lines of one loop turn go to the destination in one write, after the turn's I/O:
  // SonicBoom measures its last pending chunk (`Buffer.byteLength`, which flattens the
  // concatenated string) on every write, so one write per line copied up to its 12 KiB buffer
  // per request and left it as garbage (bench/results/PROFILE.md, fourth pass).
  let batch = '';
  const flush = (): void => {
    const lines = batch;
    batch = '';
    stream.write(lines);
  };
  return (f) => {
    if (!logger.isLevelEnabled('info')) return;
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      lastTime = new Date(now).toISOString();
    }
    if (batch === '') setImmediate(flush);
    batch +=
      `${prefix},"time":"${lastTime}"${bindings},"reqId":${JSON.stringify(f.reqId)},"method":${JSON.stringify(f.method)}` +
      `,"route":${JSON.stringify(f.route)},"status":${f.status},"engine":${JSON.stringify(f.engine)}` +
      `,"reason":${JSON.stringify(f.reason)},"ms":${f.ms}}\n`;
  };
}

import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLoggers } from '../../../src/log/logger.js';
import { createRequestLine } from '../../../src/log/request-line.js';

describe('flushing the log stream', () => {
  it('writes the request lines still waiting for their loop turn', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'switchyard-log-')), 'out.log');
    const { log, requestLog, flush } = createLoggers('info', file);
    const line = createRequestLine(requestLog);
    log.info('first'); // the file is open and written once before the request line
    await flush(5_000);
    line({
      reqId: 'last',
      method: 'GET',
      route: 'thread',
      status: 200,
      engine: 'legacy',
      reason: 'rollout',
      ms: 1,
    });
    await flush(5_000);
    const written = (await readFile(file, 'utf8')).trim().split('\n');
    expect(written.map((l) => (JSON.parse(l) as { reqId?: string }).reqId)).toContain('last');
  });
});

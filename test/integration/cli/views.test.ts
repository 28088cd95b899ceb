import { jest } from '@jest/globals';
import { DIVERGENCES, GUARD, startStubAdmin, SUMMARY, type StubAdmin } from './stub-admin.js';
import { assertBuilt, runCli } from '../../support/run-cli.js';

const TOKEN = 'stub-token';
let stub: StubAdmin;
const cli = (args: string[]) => runCli([...args, '--admin', stub.url], { env: { ADMIN_TOKEN: TOKEN } });

jest.setTimeout(30_000);

beforeAll(assertBuilt);

beforeEach(async () => {
  stub = await startStubAdmin();
});

afterEach(async () => {
  await stub.close();
});

describe('switchyard with the summary, guard and divergence views', () => {
  it("adds the last minute's split, errors, p95, mismatch rate, violations and a guard line to status", async () => {
    const r = await cli(['status']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(
      /^flags\s+unleash: ready, DOWN \(unleash unreachable\); last sync 2025-01-01T00:00:00.000Z \(.+ ago\)$/m,
    );
    expect(r.stdout).toMatch(/^traffic\s+last 60s: legacy 900 req \(90.0%\), user 100 req \(10.0%\)$/m);
    expect(r.stdout).toMatch(/^errors\s+legacy 9 \(1.0%\), user 3 \(3.0%\)$/m);
    expect(r.stdout).toMatch(/^p95\s+legacy 120 ms, user 140 ms$/m);
    expect(r.stdout).toMatch(
      /^compared\s+53 \(45 match, 5 mismatch, 2 incomplete, 1 isolation\); mismatch rate 10.0%$/m,
    );
    expect(r.stdout).toMatch(/^isolation\s+violations: legacy 2, user 0$/m);
    expect(r.stdout).toMatch(/^guard\s+enforce, 60s window: BREACH error_rate; never tripped$/m);
    expect(stub.requests.map((q) => q.url)).toEqual(
      expect.arrayContaining(['/admin/summary?window=60', '/admin/guard']),
    );
  });

  it('carries the summary and the guard in status --json', async () => {
    const r = await cli(['status', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ stage: 'canary', summary: SUMMARY, guard: GUARD });
  });

  it('leaves the traffic and guard lines out of status when the proxy does not serve them yet', async () => {
    stub.offers = false;
    const r = await cli(['status']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^stage\s+canary$/m);
    expect(r.stdout).not.toMatch(/^(traffic|guard)\s/m);
    expect(JSON.parse((await cli(['status', '--json'])).stdout)).toMatchObject({
      summary: null,
      guard: null,
    });
  });

  it('lists divergences with both event streams, passing --limit and --kind to the API', async () => {
    const r = await cli(['divergences', '--limit', '2', '--kind', 'tool']);
    expect(r.code).toBe(0);
    expect(stub.requests.at(-1)?.url).toBe('/admin/divergences?limit=2&kind=tool');
    expect(r.stdout).toContain('d-2  2025-01-01T00:00:02.000Z  mismatch [tool, order]  session s-9f2');
    expect(r.stdout).toContain(
      '  control   legacy 3 events: agent_started > tool_call(search) > agent_completed:completed',
    );
    expect(r.stdout).toContain(
      '  candidate user   3 events: agent_started > tool_call(browse) > agent_completed:completed',
    );
    expect(r.stdout).toMatch(/^ {2}candidate user {3}HTTP 500$/m);
    expect(JSON.parse((await cli(['divergences', '--json'])).stdout)).toEqual(DIVERGENCES);
    expect((await cli(['divergences', '--limit', '0'])).code).toBe(64);
  });

  it("shows the guard's gates against their limits", async () => {
    const r = await cli(['guard']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^guard: enforce, window 60s, judging the fleet \(3 instances\)$/m);
    expect(r.stdout).toMatch(/^error_rate\s+\+2.00 pts\s+1 pts\s+900\s+100\s+7\s+BREACH$/m);
    expect(r.stdout).toMatch(/^latency\s+1.16x\s+1.10x\s+900\s+100\s+3\s+insufficient$/m);
    expect(r.stdout).toMatch(/^mismatch_rate\s+10.0%\s+5.0%\s+0\s+50\s+4\s+ok$/m);
    expect(r.stdout).toContain('error_rate: error rate +2.0 points over legacy');
    expect(r.stdout).toContain('never tripped');
  });

  it('says the proxy lacks the feature, with exit 69, when divergences or guard answer 404', async () => {
    stub.offers = false;
    for (const [command, feature] of [
      ['divergences', 'the divergence store'],
      ['guard', 'the guard'],
    ] as const) {
      const r = await cli([command]);
      expect(r.code).toBe(69);
      expect(r.stderr).toContain(`the proxy at ${stub.url} does not offer ${feature}`);
    }
  });
});

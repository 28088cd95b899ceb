import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Unleash } from 'unleash-client';
import { documentToState, stateToDocument } from '../../../src/flags/document.js';
import { FileFlagSource } from '../../../src/flags/file-source.js';
import { destroySafely } from '../../../src/flags/unleash/poller.js';
import type { FlagState } from '../../../src/routing/types.js';
import { clientDisagreements, disagreements, IDS, unleashClient } from './assignments.js';
import { FLAG_NAMES, REFRESH_MS, seenByAll, type Member } from './fleet.js';
import { BOUND_MS, printMeasurements, startScenario, type Scenario } from './scenario.js';

let s: Scenario;
let fleet: Member[];
let reference: Unleash;
const flags = (m: Member) => m.app.switchboard.flags();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The state a file flag source reads back from its own file after being set to `state`. */
async function fileSourceState(state: FlagState): Promise<FlagState> {
  const path = join(s.dir, 'file-source', 'flags.json');
  const file = new FileFlagSource(path, FLAG_NAMES, pino({ level: 'silent' }));
  await file.update(() => state);
  await file.close();
  return documentToState(JSON.parse(await readFile(path, 'utf8')), FLAG_NAMES);
}

const imported: FlagState = {
  rollout: { percent: 20, groupId: FLAG_NAMES.rollout },
  shadow: { percent: 5, groupId: FLAG_NAMES.shadow },
  rollback: { engaged: false, trigger: null, reason: null, at: null },
  overrides: new Map([
    [IDS[0]!, { serve: 'user', note: 'staff' }],
    [IDS[1]!, { serve: 'legacy' }],
  ]),
};

beforeAll(async () => {
  s = await startScenario();
  await writeFile(join(s.dir, 'flags.json'), JSON.stringify(stateToDocument(imported, FLAG_NAMES)));
  expect(await s.flagsCommand(['import', join(s.dir, 'flags.json')])).toMatchObject({ code: 0 });
  fleet = await Promise.all(['proxy-a', 'proxy-b', 'proxy-c'].map((name) => s.member(name)));
  reference = await unleashClient(s.unleash);
}, 180_000);

afterAll(async () => {
  if (reference !== undefined) destroySafely(reference);
  await s?.stop();
  if (s !== undefined) printMeasurements('Unleash fleet: propagation', s.measured);
}, 60_000);

describe('a fleet of three proxies on a real Unleash server', () => {
  it('has its flags from `flags init` (idempotent) and `flags import` of a flag file, nobody reshuffled', async () => {
    const again = await s.flagsCommand(['init']);
    expect(again.code).toBe(0);
    expect(again.out).toContain(`${FLAG_NAMES.rollout}: already set up`);
    expect(disagreements(fleet, await fileSourceState(imported))).toEqual([]);
    expect(flags(fleet[0]!)?.overrides.get(IDS[0]!)).toEqual({ serve: 'user', note: 'staff' });
  });

  it.each([5, 25, 50, 90])(
    'decides like the file source and unleash-client for 10,000 ids at %i%%',
    async (p) => {
      const writer = fleet[p % 3]!;
      expect((await writer.admin('PUT', '/admin/rollout', { percent: p })).status).toBe(200);
      await seenByAll(fleet, (m) => flags(m)?.rollout.percent === p, Date.now(), BOUND_MS);
      const wanted = flags(writer)!;
      const seenByClient = () =>
        reference.getFeatureToggleDefinition(FLAG_NAMES.rollout)?.strategies?.[0]?.parameters?.rollout ===
        String(p);
      for (const start = Date.now(); !seenByClient(); await sleep(20)) {
        if (Date.now() - start > BOUND_MS) throw new Error('unleash-client did not see the change');
      }
      expect(disagreements(fleet, await fileSourceState(wanted))).toEqual([]);
      expect(clientDisagreements(reference, FLAG_NAMES.rollout, wanted)).toEqual([]);
      for (const m of fleet) {
        for (const id of IDS.slice(0, 30))
          expect(await m.served(id)).toBe(m.app.switchboard.decide(id).serve);
      }
    },
  );

  it('sees a ramp from 10% to 50% on every instance within one refresh plus 1.5 s', async () => {
    await fleet[0]!.admin('PUT', '/admin/rollout', { percent: 10 });
    await seenByAll(fleet, (m) => flags(m)?.rollout.percent === 10, Date.now(), BOUND_MS);
    const inAt10 = IDS.filter((id) => fleet[0]!.app.switchboard.decide(id).reason === 'rollout');
    const since = Date.now();
    expect((await fleet[0]!.admin('PUT', '/admin/rollout', { percent: 50 })).status).toBe(200);
    const seen = await seenByAll(fleet, (m) => flags(m)?.rollout.percent === 50, since, BOUND_MS);
    s.measured.push(`ramp 10% -> 50% through proxy-a, seen after (ms): ${JSON.stringify(seen)}`);
    for (const m of fleet)
      expect(inAt10.every((id) => m.app.switchboard.decide(id).serve === 'user')).toBe(true);
  });

  it.each([0, 1, 2])(
    'obeys rollback #%i at once where it is made, everywhere within the bound, with its reason',
    async (round) => {
      await fleet[0]!.admin('PUT', '/admin/shadow', { percent: 30 });
      await seenByAll(fleet, (m) => flags(m)?.shadow.percent === 30, Date.now(), BOUND_MS);
      await sleep(Math.random() * REFRESH_MS); // each round lands at another point of the poll cycle
      const [b, c] = [fleet[round]!, fleet[(round + 1) % 3]!];
      const since = Date.now();
      let obeyedHere = -1;
      const watch = (async () => {
        while (flags(b)?.rollback.engaged !== true) await new Promise((r) => setImmediate(r));
        obeyedHere = Date.now() - since;
      })();
      const res = await b.admin('POST', '/admin/rollback', { reason: `error spike #${round}` });
      const answered = Date.now() - since;
      await watch;
      expect(res.status).toBe(200);
      expect(obeyedHere).toBeLessThanOrEqual(answered);
      const seen = await seenByAll(fleet, (m) => flags(m)?.rollback.engaged === true, since, BOUND_MS);
      s.measured.push(
        `rollback #${round} through ${b.name}: obeyed there after ${obeyedHere} ms, admin API answered ` +
          `(Unleash written) after ${answered} ms, whole fleet after ${Math.max(...Object.values(seen))} ms ${JSON.stringify(seen)}`,
      );
      for (const m of fleet) {
        expect(flags(m)?.rollback).toMatchObject({ trigger: 'manual', reason: `error spike #${round}` });
        expect(flags(m)?.rollout.percent).toBe(50);
        const all = IDS.slice(0, 2000).map((id) => m.app.switchboard.decide(id));
        expect(all.every((d) => d.serve === 'legacy' && d.shadow === 'none')).toBe(true);
      }
      expect(await c.served(IDS.find((id) => flags(c)?.overrides.get(id) === undefined)!)).toBe('legacy');
      const resumed = Date.now();
      expect((await c.admin('POST', '/admin/resume')).status).toBe(200);
      const released = await seenByAll(fleet, (m) => flags(m)?.rollback.engaged === false, resumed, BOUND_MS);
      s.measured.push(`resume #${round} through ${c.name}, released after (ms): ${JSON.stringify(released)}`);
      expect(flags(fleet[2]!)?.shadow.percent).toBe(30);
    },
    15_000,
  );

  it('reads the flag disabled directly in Unleash as a rollback with trigger external, everywhere', async () => {
    const since = Date.now();
    expect(await s.toggleInUnleash('off')).toBe(200);
    const seen = await seenByAll(fleet, (m) => flags(m)?.rollback.engaged === true, since, BOUND_MS);
    s.measured.push(`rollout flag disabled in Unleash's admin API, seen after (ms): ${JSON.stringify(seen)}`);
    for (const m of fleet) expect(flags(m)?.rollback).toMatchObject({ trigger: 'external', reason: null });
    expect(await s.toggleInUnleash('on')).toBe(200);
    await seenByAll(fleet, (m) => flags(m)?.rollback.engaged === false, Date.now(), BOUND_MS);
  });

  it('refuses changes without an admin token (409, pointing at Unleash) but rolls back locally', async () => {
    const readOnly = await s.member('proxy-ro', { writes: false });
    const refused = await readOnly.admin('PUT', '/admin/rollout', { percent: 70 });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('change switchyard-rollout in Unleash');
    const local = await readOnly.admin('POST', '/admin/rollback', { reason: 'local' });
    expect(local.body.rollback.engaged).toBe(true);
    expect(local.body.flagSource.problem).toContain('rollback engaged on this instance only');
    await sleep(REFRESH_MS);
    for (const m of fleet) expect(flags(m)?.rollback.engaged).toBe(false);
    expect((await readOnly.admin('POST', '/admin/resume')).body.rollback.engaged).toBe(false);
  });
});

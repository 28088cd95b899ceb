import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DASHBOARDS, renderDashboard } from '../../../scripts/dashboards/index.js';

const DIR = fileURLToPath(new URL('../../../dashboards/', import.meta.url));
const UPDATE = process.env.UPDATE_DASHBOARDS === '1';

describe('the committed dashboards', () => {
  it.each(Object.entries(DASHBOARDS))('%s is what scripts/dashboards generates', (file, build) => {
    const fresh = renderDashboard(build);
    if (UPDATE) writeFileSync(`${DIR}${file}`, fresh);
    const committed = readFileSync(`${DIR}${file}`, 'utf8');
    // Stale? Regenerate: UPDATE_DASHBOARDS=1 npx node --experimental-vm-modules node_modules/jest/bin/jest.js test/unit/dashboards
    expect(committed).toBe(fresh);
  });

  it('holds no dashboard that is not generated', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(Object.keys(DASHBOARDS).sort());
  });
});

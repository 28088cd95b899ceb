import { Pager } from '../../../console/src/pager.js';

describe("the console's keyset pager", () => {
  it('starts on the newest page, goes older with each next cursor and back the same way', () => {
    const pager = new Pager();
    expect([pager.page, pager.query(), pager.hasOlder, pager.hasNewer]).toEqual([1, '', false, false]);
    expect(pager.older()).toBe(false);

    pager.read('c1');
    expect(pager.hasOlder).toBe(true);
    expect(pager.older()).toBe(true);
    expect([pager.page, pager.query(), pager.hasNewer]).toEqual([2, '&cursor=c1', true]);
    pager.read('c2/+=');
    pager.older();
    expect(pager.query()).toBe('&cursor=c2%2F%2B%3D');
    pager.read(undefined);
    expect(pager.hasOlder).toBe(false);

    expect(pager.newer()).toBe(true);
    // back on page 2, which leads to the page just left
    expect([pager.page, pager.query(), pager.hasOlder]).toEqual([2, '&cursor=c1', true]);
    pager.newer();
    expect([pager.page, pager.query(), pager.hasNewer]).toEqual([1, '', false]);
    expect(pager.newer()).toBe(false);
  });

  it('ignores a next that is not a cursor, and resets to the newest page', () => {
    const pager = new Pager();
    pager.read(42);
    expect(pager.hasOlder).toBe(false);
    pager.read('c1');
    pager.older();
    pager.reset();
    expect([pager.page, pager.query(), pager.hasOlder]).toEqual([1, '', false]);
  });
});

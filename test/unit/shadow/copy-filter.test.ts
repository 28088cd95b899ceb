import { copyFilter } from '../../../src/shadow/ws-observe.js';

describe('copyFilter', () => {
  it('copies every frame, binary ones included, by default', () => {
    const copies = copyFilter('all');
    expect(copies('user_message', false)).toBe(true);
    expect(copies(null, false)).toBe(true);
    expect(copies(null, true)).toBe(true);
  });

  it('copies only the listed types, and then no binary or untyped frame', () => {
    const copies = copyFilter(['user_message', 'start_agent']);
    expect(copies('user_message', false)).toBe(true);
    expect(copies('start_agent', false)).toBe(true);
    expect(copies('ping', false)).toBe(false);
    expect(copies(null, false)).toBe(false);
    expect(copies(null, true)).toBe(false);
  });
});

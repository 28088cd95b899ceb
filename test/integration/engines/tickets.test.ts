import { createTicketStore } from '../../../engines/index.js';

describe('the ticket store', () => {
  it('gives a ticket back once, then never again', () => {
    const store = createTicketStore();
    const { ticket_id } = store.issue('alice', 'jwt-a', 60);
    expect(store.consume(ticket_id)).toEqual({ userId: 'alice', jwt: 'jwt-a' });
    expect(store.consume(ticket_id)).toBeNull();
    expect(store.size()).toBe(0);
  });

  it('refuses an expired ticket', () => {
    let now = 1_000_000;
    const store = createTicketStore({ now: () => now });
    const grant = store.issue('alice', 'jwt-a', 30);
    expect(grant.expires_at).toBe(new Date(1_030_000).toISOString());
    expect(grant.created_at).toBe(new Date(1_000_000).toISOString());
    now += 30_000;
    expect(store.consume(grant.ticket_id)).toBeNull();
  });

  it('sweeps expired tickets when it issues new ones', () => {
    let now = 0;
    const store = createTicketStore({ now: () => now });
    for (let i = 0; i < 5; i++) store.issue(`u${i}`, 'jwt', 1);
    now = 60_000;
    store.issue('late', 'jwt', 60);
    expect(store.size()).toBe(1);
  });

  it('never holds more than its bound, dropping the oldest', () => {
    const store = createTicketStore({ maxEntries: 3 });
    const ids = Array.from({ length: 5 }, (_, i) => store.issue(`u${i}`, 'jwt', 60).ticket_id);
    expect(store.size()).toBe(3);
    expect(store.consume(ids[0]!)).toBeNull();
    expect(store.consume(ids[4]!)).toEqual({ userId: 'u4', jwt: 'jwt' });
  });

  it('issues unguessable, distinct ids', () => {
    const store = createTicketStore();
    const ids = new Set(Array.from({ length: 100 }, () => store.issue('alice', 'jwt', 60).ticket_id));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SessionRegistry } from '../../src/main/core/session-registry.js';

const bind = (sessionId: string, phone: string) => ({
  sessionId,
  apexSession: `a-${sessionId}`,
  user: 'U',
  phone,
});

test('first session of a phone listens, the last one gone unlistens', () => {
  const r = new SessionRegistry();
  assert.deepEqual(r.bind(bind('s1', '201')), { unlisten: [], listen: ['201'] });
  assert.deepEqual(r.bind(bind('s2', '201')), { unlisten: [], listen: [] });
  assert.deepEqual(r.unbind('s1'), { unlisten: [], listen: [] });
  assert.deepEqual(r.unbind('s2'), { unlisten: ['201'], listen: [] });
  assert.deepEqual(r.unbind('s2'), { unlisten: [], listen: [] });
});

test('re-binding moves a session: the old phone unlistens only if it was the last', () => {
  const r = new SessionRegistry();
  r.bind(bind('s1', '201'));
  assert.deepEqual(r.bind(bind('s1', '202')), { unlisten: ['201'], listen: ['202'] });
  assert.deepEqual(r.bind(bind('s1', '202')), { unlisten: [], listen: [] });
  r.bind(bind('s2', '202'));
  assert.deepEqual([...r.sessionsOf('202')], ['s1', 's2']);
  assert.deepEqual(r.phones(), ['202']);
});

test('property: after any sequence, the LISTENed set equals the phones with sessions', () => {
  const op = fc.oneof(
    fc.record({
      kind: fc.constant('bind' as const),
      s: fc.integer({ min: 0, max: 6 }),
      p: fc.integer({ min: 0, max: 3 }),
    }),
    fc.record({ kind: fc.constant('unbind' as const), s: fc.integer({ min: 0, max: 6 }) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const r = new SessionRegistry();
      const listening = new Set<string>();
      const model = new Map<string, string>();
      for (const o of ops) {
        const effects =
          o.kind === 'bind' ? r.bind(bind(`s${o.s}`, `p${o.p}`)) : r.unbind(`s${o.s}`);
        if (o.kind === 'bind') model.set(`s${o.s}`, `p${o.p}`);
        else model.delete(`s${o.s}`);
        for (const p of effects.unlisten) {
          assert.ok(listening.delete(p), `UNLISTEN ${p} without LISTEN`);
        }
        for (const p of effects.listen) {
          assert.ok(!listening.has(p), `LISTEN ${p} twice`);
          listening.add(p);
        }
        assert.deepEqual([...listening].sort(), [...new Set(model.values())].sort());
        assert.deepEqual(r.phones().sort(), [...listening].sort());
      }
    }),
    { numRuns: 1000 },
  );
});

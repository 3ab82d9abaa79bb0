/** The router on its own: types from the contract, matching rules, and set-up mistakes caught early. */
import type { IncomingMessage } from 'node:http';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { route, routes as contractRoutes } from '../../../shared/contract';
import type { HandlersFor } from '../../../electron/server/http/handlers-for';
import { createRouter, type HandlerContext, type Handlers } from '../../../electron/server/http/router';

const defs = {
  byId: route({
    method: 'GET',
    path: '/api/items/:id/events/:eventId',
    access: 'public',
    response: z.object({ ok: z.boolean() }),
  }),
  stats: route({
    method: 'GET',
    path: '/api/items/stats/events/latest',
    access: 'public',
    response: z.object({ ok: z.boolean() }),
  }),
  create: route({
    method: 'POST',
    path: '/api/items',
    access: 'session',
    body: z.strictObject({ count: z.coerce.number().int() }),
    response: z.object({ ok: z.boolean() }),
  }),
} as const;

const ok = async () => ({ ok: true });

describe('createRouter', () => {
  it('types params, query and body from the route definitions', () => {
    type ById = HandlerContext<(typeof defs)['byId']>;
    expectTypeOf<ById['params']>().toEqualTypeOf<{ id: string } & { eventId: string }>();
    type Create = HandlerContext<(typeof defs)['create']>;
    expectTypeOf<Create['body']>().toEqualTypeOf<{ count: number }>();
    expectTypeOf<Create['query']>().toEqualTypeOf<Record<string, never>>();
    // The contract's own routes type-check as module handler sets.
    expectTypeOf<HandlersFor<'health'>['health']>().returns.resolves.toMatchTypeOf<{ ok: true; version: string }>();
    const handlers: Handlers<typeof defs> = {
      byId: async ({ params }) => ({ ok: params.id.length > 0 && params.eventId.length > 0 }),
      stats: ok,
      // @ts-expect-error the response must match the route's schema
      create: async () => ({ ok: 'yes' }),
    };
    void handlers;
    expect(Object.keys(contractRoutes).length).toBeGreaterThan(0);
  });

  it('prefers literal segments over parameters, and decodes parameters', () => {
    const router = createRouter(defs, { byId: ok, stats: ok, create: ok });
    const literal = router.match('GET', '/api/items/stats/events/latest');
    expect(literal.kind === 'route' && literal.match.name).toBe('stats');
    const param = router.match('GET', '/api/items/a%20b/events/e1');
    expect(param.kind === 'route' && param.match.params).toEqual({ id: 'a b', eventId: 'e1' });
    expect(router.match('DELETE', '/api/items')).toEqual({ kind: 'method-not-allowed', allowed: ['POST'] });
    expect(router.match('GET', '/api/items/x/events')).toEqual({ kind: 'none' });
    expect(() => router.match('GET', '/api/items/%E0%A4%A/events/x')).toThrow(/encoded/);
    expect(() => router.match('GET', '/api/items/%00/events/x')).toThrow(/invalid identifier/);
  });

  it('coerces where the schema says so and asks for the session first', async () => {
    const calls: string[] = [];
    const router = createRouter(
      defs,
      {
        byId: ok,
        stats: ok,
        create: async ({ body }) => {
          calls.push(`create ${body.count}`);
          return { ok: true };
        },
      },
      { logError: () => undefined },
    );
    const found = router.match('POST', '/api/items');
    if (found.kind !== 'route') throw new Error('no match');
    const input = { url: new URL('http://127.0.0.1/api/items'), req: {} as IncomingMessage };
    expect(
      await router.dispatch(found.match, { ...input, body: { count: '7' }, requireSession: () => undefined }),
    ).toEqual({
      status: 200,
      body: { ok: true },
    });
    expect(calls).toEqual(['create 7']);
    const locked = await router.dispatch(found.match, {
      ...input,
      body: { count: 'not a number' },
      requireSession: () => {
        throw new (class extends Error {})('locked');
      },
    });
    // A non-ApiFailure from requireSession is an internal error, and the body was never parsed.
    expect(locked.status).toBe(500);
    expect(calls).toEqual(['create 7']);
  });

  it('refuses set-up mistakes: duplicate routes, missing handlers, paths outside /api', () => {
    const duplicate = {
      a: route({ method: 'GET', path: '/api/x', access: 'public', response: z.object({}) }),
      b: route({ method: 'GET', path: '/api/x', access: 'public', response: z.object({}) }),
    };
    expect(() => createRouter(duplicate, { a: async () => ({}), b: async () => ({}) })).toThrow(/Two routes/);
    expect(() => createRouter(defs, { byId: ok, stats: ok } as unknown as Handlers<typeof defs>)).toThrow(/no handler/);
    const outside = { a: route({ method: 'GET', path: '/health', access: 'public', response: z.object({}) }) };
    expect(() => createRouter(outside, { a: async () => ({}) })).toThrow(/under \/api/);
  });
});

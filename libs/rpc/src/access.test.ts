/**
 * The access table and the token check: every registry method has its scope, the other
 * services one each, health needs nothing and reflection a known token; tokens files hold
 * digests only and are validated.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Metadata } from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PermissionDeniedError, UnauthenticatedError, ValidationError } from '../../core/src/index.js';
import { ANONYMOUS, REGISTRY_SCOPES, TokenTable, authorize, requirementOf, tokenDigest } from './access.js';
import { ALL_PROTO_FILES, GRPC_LOADER_OPTIONS, SERVICE_NAMES } from './options.js';

test('every method of the API needs a scope: each registry method its own, the others one per service', () => {
  const def = protoLoader.loadSync([...ALL_PROTO_FILES], {
    ...GRPC_LOADER_OPTIONS,
    includeDirs: [...GRPC_LOADER_OPTIONS.includeDirs],
  });
  const methods = (service: string): string[] =>
    Object.values(def[service] as Record<string, { path: string }>).map((m) => m.path);
  assert.deepEqual(
    methods(SERVICE_NAMES.registry)
      .map((p) => p.split('/')[2])
      .sort(),
    Object.keys(REGISTRY_SCOPES).sort(),
    'a registry method without an entry in REGISTRY_SCOPES',
  );
  for (const p of ['SetAlias', 'DeleteAlias', 'RetireModel', 'ListAuditEvents'])
    assert.equal(requirementOf(`/${SERVICE_NAMES.registry}/${p}`), 'admin');
  const expected = { search: 'search', training: 'train', segmentation: 'segment' } as const;
  for (const [key, scope] of Object.entries(expected))
    for (const path of methods(SERVICE_NAMES[key as keyof typeof expected]))
      assert.equal(requirementOf(path), scope, path);
  assert.equal(requirementOf('/grpc.health.v1.Health/Check'), 'nothing');
  assert.equal(requirementOf('/grpc.reflection.v1.ServerReflection/ServerReflectionInfo'), 'token');
  assert.equal(requirementOf('/other.Service/Anything'), 'admin');
});

test('a tokens file holds names, digests and scopes; anything else is refused without echoing it', () => {
  const file = (tokens: unknown): string => JSON.stringify({ tokens });
  const ok = { name: 'pacs', sha256: tokenDigest('s3cret'), scopes: ['segment'] };
  const table = TokenTable.parse(file([ok]), 'T');
  assert.equal(table.callerOf('s3cret')?.name, 'pacs');
  assert.equal(table.callerOf('other'), undefined);
  const refused = (text: string, pattern: RegExp): void =>
    assert.throws(
      () => TokenTable.parse(text, 'T'),
      (e: unknown) =>
        e instanceof ValidationError && pattern.test(e.message) && !e.message.includes('s3cret'),
    );
  refused('{', /T is not JSON/);
  refused(file([{ ...ok, token: 's3cret' }]), /Unrecognized key/);
  refused(file([{ ...ok, sha256: 's3cret' }]), /hex sha256/);
  refused(file([{ ...ok, scopes: ['root'] }]), /scopes/);
  refused(file([ok, { ...ok, name: 'other' }]), /listed twice/);
  refused(file([]), /tokens/);
});

test('authorize: UNAUTHENTICATED without a known token, PERMISSION_DENIED without the scope', () => {
  const table = TokenTable.parse(
    JSON.stringify({ tokens: [{ name: 'pacs', sha256: tokenDigest('t1'), scopes: ['segment'] }] }),
    'T',
  );
  const md = (auth?: string): Metadata => {
    const m = new Metadata();
    if (auth !== undefined) m.set('authorization', auth);
    return m;
  };
  const segment = `/${SERVICE_NAMES.segmentation}/Segment`;
  const setAlias = `/${SERVICE_NAMES.registry}/SetAlias`;
  assert.equal(authorize(table, segment, md('Bearer t1')), 'pacs');
  assert.ok(authorize(table, segment, md()) instanceof UnauthenticatedError);
  assert.ok(authorize(table, segment, md('Bearer t2')) instanceof UnauthenticatedError);
  assert.ok(authorize(table, segment, md('Basic t1')) instanceof UnauthenticatedError);
  const denied = authorize(table, setAlias, md('Bearer t1'));
  assert.ok(denied instanceof PermissionDeniedError && /"pacs" lacks scope "admin"/.test(denied.message));
  assert.equal(authorize(table, '/grpc.health.v1.Health/Check', md()), ANONYMOUS);
  assert.equal(authorize(undefined, setAlias, md()), ANONYMOUS, 'no tokens configured: no checks');
});

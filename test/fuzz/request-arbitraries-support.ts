// fast-check generators of bad requests: paths, methods, query options, headers, patches, and the mix of them all.
import fc from 'fast-check';
import { badObjectBody, badYaml, deepJson, hugeBody, oddValue, wrongTypeObject } from './body-arbitraries-support.js';
import { fixtureObject, fixtures, fuzzNamespace, type Fixture } from './fuzz-cluster-support.js';
import type { FuzzRequest } from './fuzz-http-support.js';

const fixture = fc.constantFrom(...fixtures);

/** Builds a fixture's arbitrary once: chain() asks again for every value, and building one encodes protobuf and JSON. */
function perFixture<T>(build: (f: Fixture) => fc.Arbitrary<T>): (f: Fixture) => fc.Arbitrary<T> {
  const built = new Map<Fixture, fc.Arbitrary<T>>();
  return (f) => {
    let arbitrary = built.get(f);
    if (!arbitrary) built.set(f, (arbitrary = build(f)));
    return arbitrary;
  };
}
const objectBodyOf = perFixture(badObjectBody);
const hugeBodyOf = perFixture(hugeBody);
const itemPath = (f: Fixture) => `${f.collection}/${f.name}`;

/** Printable ASCII without spaces: what a request line can carry (undici refuses the rest before sending). */
const pathChar = fc.mapToConstant({ num: 0x7e - 0x21 + 1, build: (v) => String.fromCharCode(0x21 + v) });
const pathText = fc.string({ unit: pathChar, maxLength: 12 }).map((s) => s.replace(/[?#]/g, '%'));

/** What a request line can carry: anything else (spaces, non-ASCII) percent-encoded, as a client would. */
const sendable = (path: string) => path.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));

/** Names that are not DNS subdomains or labels, or that only look odd but are valid. */
const badName = fc.oneof(
  fc.constantFrom('Upper', 'under_score', '-lead', 'trail-', 'a..b', '.', '..', 'a/b', '%2F', '%zz', '%', '%00', '%E2%82', 'x'.repeat(254), 'x'.repeat(64), '@', 'a b', '🙂', '*'),
  pathText,
);

/** A value for a query option: empty, garbage, near-valid, huge, repeated separators. */
const badOptionValue = fc.oneof(
  fc.constantFrom('', '-1', '0', '1.5', '1e3', 'abc', '999999999999999999999', ' 1', 'true', 'All', 'all', 'Strict ', 'Foo', 'x'.repeat(5000), '%', '%zz', '=', '!', ',', '&'),
  fc.string({ maxLength: 16 }),
);

const selector = fc.oneof(
  fc.constantFrom('a in b', 'a=(b', '!', 'a!=', '=b', 'a==b==c', 'a in (b', 'a notin ()', 'x/y/z=1', 'a=' + 'b'.repeat(70), 'a,', ',', 'a=b,,c=d', 'a>1', 'a<x', '!a=b', 'a in (b,c),!d', 'A_=b', 'a=b c'),
  fc.string({ maxLength: 20 }),
);
const fieldSelector = fc.oneof(
  fc.constantFrom('spec.foo=bar', 'metadata.name', 'metadata.name==', 'status.phase!=Running,spec.nodeName=', '=x', 'metadata.name=a,metadata.name=b', 'spec.color=red', 'metadata.namespace in (a)', 'a\\=b=c', '\\'),
  fc.string({ maxLength: 20 }),
);
const continueToken = fc.oneof(
  fc.constantFrom('not-a-token', '%%%', 'e30', 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MH0', Buffer.from('{"v":"meta.k8s.io/v1","rv":-5,"start":"x"}').toString('base64'), Buffer.from('{"v":"meta.k8s.io/v1","rv":1,"start":"/../../"}').toString('base64')),
  fc.json({ maxDepth: 2 }).map((j) => Buffer.from(j).toString('base64')),
  fc.base64String({ maxLength: 40 }),
);

const optionNames = [
  'labelSelector', 'fieldSelector', 'resourceVersion', 'resourceVersionMatch', 'continue', 'limit', 'timeoutSeconds', 'propagationPolicy',
  'dryRun', 'fieldManager', 'fieldValidation', 'gracePeriodSeconds', 'watch', 'allowWatchBookmarks', 'sendInitialEvents', 'orphanDependents',
  'force', 'pretty', 'includeObject',
] as const;

/** One bad `name=value` pair, URL-encoded (or deliberately not). */
const queryPair = fc.oneof(
  fc.tuple(fc.constantFrom(...optionNames), badOptionValue),
  fc.tuple(fc.constant('labelSelector'), selector),
  fc.tuple(fc.constant('fieldSelector'), fieldSelector),
  fc.tuple(fc.constant('continue'), continueToken),
  fc.tuple(fc.constant('fieldManager'), fc.constantFrom('', 'x'.repeat(129), '\u0000', 'é'.repeat(100))),
  fc.tuple(fc.constant('resourceVersion'), fc.constantFrom('abc', '-1', '0', '1', '99999999999', '18446744073709551616', '1.0', '')),
).chain(([name, value]) => fc.constantFrom(`${name}=${encodeURIComponent(value)}`, `${name}=${value.replace(/[#\s]/g, '')}`));

/** A query string of bad options, sometimes alongside a watch (which must then fail, or start and be dropped). */
const queryString = fc.tuple(fc.array(queryPair, { minLength: 1, maxLength: 3 }), fc.constantFrom('', 'watch=true&', 'limit=1&', 'watch=1&timeoutSeconds=1&'))
  .map(([pairs, lead]) => `?${lead}${pairs.join('&')}`.replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c)));

/** Paths the server does not serve, or serves only for some methods; bad escapes and wrong scopes included. */
const badPath: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '/api/v1/namespaces/fuzz/foos', '/apis/nope.example.com/v1/things', '/apis/apps/v99/deployments', '/api/v2/pods', '/apis/apps',
    '/api/v1/namespaces/fuzz/configmaps/cm/nosuchsub', '/api/v1/namespaces/fuzz/nodes', '/api/v1/configmaps/cm', '/api//v1', '/apis//v1/x',
    '/api/v1/namespaces//configmaps', '/api/v1/namespaces/fuzz/configmaps/cm/status/extra', '/api/v1/namespaces/fuzz/pods/pod/exec',
    '/api/v1/namespaces/fuzz/pods/pod/log', '/api/v1/namespaces/fuzz/pods/pod/eviction', '/apis/apps/v1/namespaces/fuzz/deployments/deploy/scale',
    '/api/v1/namespaces/fuzz/pods/pod/binding', '/api/v1/namespaces/fuzz/serviceaccounts/default/token', '/api/v1/namespaces/fuzz/finalize',
    '/apis/stable.example.com/v1/namespaces/fuzz/crontabs/ct/scale', '/apis/stable.example.com/v2/crontabs', '/%', '/api/%zz', '/api/v1/%2e%2e',
    '/api/v1/namespaces/%2Ffuzz/configmaps', '/apis/%00/v1', '/api/v1/namespaces/fuzz/configmaps/cm%2Fx', '/openapi/v3/apis/nope/v1', '/version/x', '/healthz/%zz',
  ),
  fc.tuple(fc.constantFrom('/api', '/apis', '/api/v1', '/apis/apps/v1', '/api/v1/namespaces', `/api/v1/namespaces/${fuzzNamespace}`), fc.array(pathText, { minLength: 1, maxLength: 4 }))
    .map(([root, parts]) => `${root}/${parts.join('/')}`),
  fc.tuple(fixture, badName).map(([f, n]) => `${f.collection}/${n}`),
  fc.tuple(fixture, badName).map(([f, n]) => f.collection.replace(`/${fuzzNamespace}/`, `/${n}/`)),
).map(sendable);

const anyMethod = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'PURGE', 'LOCK', 'SEARCH', 'MKCOL', 'COPY', 'MOVE', 'REPORT', 'LINK', 'QUERY');

/** Content types no endpoint decodes, and near misses of those it does. */
const badContentType = fc.oneof(
  fc.constantFrom('text/plain', 'application/xml', 'application/jsonx', 'application/json-patch', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', '*/*', ';', 'application/', 'application/vnd.kubernetes.protobuf;stream=watch', 'application/cbor', 'application/yaml; charset=utf-16'),
  fc.string({ unit: pathChar, maxLength: 20 }),
);
const badAccept = fc.oneof(
  fc.constantFrom('text/html', 'application/xml', 'image/png', 'application/json;as=Foo', 'application/json;as=Table;g=meta.k8s.io;v=v9', 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1', 'application/json;as=Table', ',', ';;;', 'application/jsonx'),
  fc.string({ unit: pathChar, maxLength: 20 }),
);
const impersonation = fc.oneof(
  fc.record({ 'Impersonate-Group': fc.constantFrom('system:masters', '', 'g') }),
  fc.record({ 'Impersonate-Uid': fc.constantFrom('u', '') }),
  fc.record({ 'Impersonate-Extra-%zz': fc.constant('v') }),
  fc.record({ 'Impersonate-User': fc.constantFrom('', 'system:serviceaccount:', 'system:serviceaccount:a', 'system:serviceaccount::', 'system:anonymous', 'x'.repeat(300)), 'Impersonate-Extra-Scopes%': fc.constantFrom('', 'a') }, { requiredKeys: ['Impersonate-User'] }),
  fc.record({ 'Impersonate-User': fc.constant('alice'), 'Impersonate-Extra-': fc.constant('v') }),
);

/** JSON patches that are not lists of operations, or whose operations are malformed or fail. */
const jsonPatch = fc.oneof(
  fc.constantFrom('{"op":"add"}', '[', '[1]', '[{}]', '[{"op":"bogus","path":"/a"}]', '[{"op":"add","path":"a","value":1}]', '[{"op":"add","path":"/metadata/labels/a"}]',
    '[{"op":"remove","path":"/spec/containers/99999999999999999999"}]', '[{"op":"move","from":"/metadata","path":"/metadata/labels"}]', '[{"op":"copy","path":"/x"}]',
    '[{"op":"test","path":"/metadata/name","value":"other"}]', '[{"op":"replace","path":"/metadata/name","value":"renamed"}]', '[{"op":"add","path":"/~2","value":1}]',
    '[{"op":"add","path":"/spec/containers/-1","value":{}}]', '[{"op":"remove","path":""}]', '[{"op":"replace","path":"","value":[]}]', '[{"op":"add","path":"/metadata/-","value":1}]',
    '[{"op":"replace","path":"/kind","value":"Secret"}]', '[{"op":"add","path":"/spec/containers/0/ports/0/containerPort","value":"eighty"}]', '[{"op":"remove","path":"/metadata"}]'),
  fc.array(fc.record({ op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'x'), path: fc.oneof(pathText.map((s) => `/${s}`), fc.constantFrom('/spec', '/metadata/name', '/data/k', '/spec/containers/0/name')), value: oddValue, from: fc.constantFrom('/spec', '/nope', '') }, { requiredKeys: ['op'] }), { maxLength: 3 }).map((p) => JSON.stringify(p)),
);

/** Merge patches that are not objects, or set fields to the wrong type. */
const mergePatch = perFixture((f: Fixture): fc.Arbitrary<string> => {
  return fc.oneof(
    fc.constantFrom('[]', '"x"', 'null', '1', '{"metadata":null}', '{"metadata":{"name":"other"}}', '{"metadata":{"labels":{"a b":"c"}}}', '{"metadata":{"annotations":[]}}', '{"kind":"Secret"}', '{"apiVersion":"v9"}', '{"metadata":{"resourceVersion":"1"}}', '{"metadata":{"resourceVersion":"x"}}', '{"spec":null}'),
    wrongTypeObject(f).map((o) => JSON.stringify(o)),
    deepJson(f),
  );
});

/** Strategic merge patches with bad directives ($patch, $setElementOrder, $retainKeys, $deleteFromPrimitiveList). */
const strategicPatch = fc.oneof(
  fc.constantFrom(
    '{"$patch":"bogus"}', '{"spec":{"$patch":"delete"}}', '{"metadata":{"labels":{"$patch":"replace","a":1}}}', '{"spec":{"containers":[{"$patch":"delete"}]}}',
    '{"spec":{"containers":[{"$patch":"bogus","name":"c"}]}}', '{"spec":{"containers":{"$patch":"replace"}}}', '{"spec":{"$setElementOrder/containers":[{"image":"x"}]}}',
    '{"spec":{"$setElementOrder/containers":"x"}}', '{"spec":{"$setElementOrder/containers":[{"name":"nope"}]}}', '{"$setElementOrder/metadata":[1]}',
    '{"spec":{"$retainKeys":"x"}}', '{"spec":{"$retainKeys":["nope"]}}', '{"spec":{"strategy":{"$retainKeys":[1],"type":"Recreate"}}}', '{"$retainKeys":{}}',
    '{"metadata":{"$deleteFromPrimitiveList/finalizers":"x"}}', '{"metadata":{"$deleteFromPrimitiveList/finalizers":[{}]}}', '{"$deleteFromPrimitiveList/metadata":["a"]}',
    '{"spec":{"containers":[{"image":"no-name"}]}}', '{"spec":{"containers":["x"]}}', '{"spec":{"containers":[{"name":"c","ports":[{"$patch":"delete"}]}]}}',
    '{"spec":{"ports":[{"$patch":"replace"}]}}', '{"spec":{"template":{"spec":{"containers":[null]}}}}', '{"data":{"$patch":"delete","k":"v"}}', '{"$patch":"replace","metadata":{}}',
    '{"spec":{"$setElementOrder/ports":[{"port":"80"}]}}', '{"metadata":{"finalizers":[{"$patch":"delete"}]}}', '{"spec":{"selector":{"$patch":"merge"}}}',
  ),
  fc.dictionary(fc.constantFrom('$patch', '$retainKeys', '$setElementOrder/containers', '$deleteFromPrimitiveList/finalizers', 'spec', 'metadata'), oddValue, { minKeys: 1, maxKeys: 3 })
    .map((d) => JSON.stringify({ spec: d, metadata: { [`$deleteFromPrimitiveList/finalizers`]: d['$retainKeys'] ?? ['x'] } })),
);

/** Server-side apply configurations: bad YAML, the wrong apiVersion or kind, no name, or no fieldManager. */
const applyPatch = perFixture((f: Fixture): fc.Arbitrary<{ body: string; query: string }> => {
  const config = (o: Record<string, unknown>) => JSON.stringify(o);
  const base = fixtureObject(f);
  return fc.tuple(
    fc.oneof(
      badYaml(f),
      fc.constantFrom(config({ ...base, apiVersion: 'v9' }), config({ ...base, kind: 'Secret' }), config({ ...base, metadata: {} }), config({ ...base, metadata: { name: 'other' } }), config({ ...base, kind: undefined }), '{}', 'null', '[]'),
      wrongTypeObject(f).map((o) => config(o as Record<string, unknown>)),
    ),
    fc.constantFrom('', '?fieldManager=', '?fieldManager=fuzz', '?fieldManager=fuzz&force=maybe', `?fieldManager=${'x'.repeat(200)}`),
  ).map(([body, query]) => ({ body, query }));
});

const json = 'application/json';

/** Every kind of bad request, weighted so that each category is met thousands of times in 100,000 requests. */
export const badRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  { weight: 30, arbitrary: fc.tuple(fixture, fc.constantFrom('POST', 'PUT')).chain(([f, method]) => objectBodyOf(f).map((b) => ({
    category: `body:${b.label}`, method, path: method === 'POST' ? f.collection : `${itemPath(f)}`, headers: { 'Content-Type': b.contentType }, body: b.body,
  }))) },
  { weight: 1, arbitrary: fc.tuple(fixture, fc.constantFrom('POST', 'PUT', 'PATCH')).chain(([f, method]) => hugeBodyOf(f).map((body) => ({
    category: 'body:huge', method, path: method === 'POST' ? f.collection : itemPath(f), headers: { 'Content-Type': method === 'PATCH' ? 'application/merge-patch+json' : json }, body,
  }))) },
  { weight: 10, arbitrary: fc.tuple(fixture, fc.constantFrom('GET', 'GET', 'DELETE', 'POST', 'PUT', 'PATCH'), fc.boolean(), queryString).map(([f, method, item, query]) => ({
    category: 'query', method, path: (item || method === 'PUT' || method === 'PATCH' ? itemPath(f) : f.collection) + query,
    headers: (method === 'PATCH' ? { 'Content-Type': 'application/merge-patch+json' } : method === 'GET' || method === 'DELETE' ? {} : { 'Content-Type': json }) as Record<string, string>,
    body: method === 'PATCH' ? '{"metadata":{"labels":{"fuzzed":"yes"}}}' : method === 'POST' || method === 'PUT' ? JSON.stringify(fixtureObject(f)) : undefined,
  })) },
  { weight: 8, arbitrary: fc.tuple(fixture, jsonPatch).map(([f, body]) => ({ category: 'patch:json', method: 'PATCH', path: itemPath(f), headers: { 'Content-Type': 'application/json-patch+json' }, body })) },
  { weight: 6, arbitrary: fixture.chain((f) => mergePatch(f).map((body) => ({ category: 'patch:merge', method: 'PATCH', path: itemPath(f), headers: { 'Content-Type': 'application/merge-patch+json' }, body }))) },
  { weight: 8, arbitrary: fc.tuple(fixture, strategicPatch).map(([f, body]) => ({ category: 'patch:strategic', method: 'PATCH', path: itemPath(f), headers: { 'Content-Type': 'application/strategic-merge-patch+json' }, body })) },
  { weight: 6, arbitrary: fixture.chain((f) => applyPatch(f).map(({ body, query }) => ({ category: 'patch:apply', method: 'PATCH', path: itemPath(f) + query, headers: { 'Content-Type': 'application/apply-patch+yaml' }, body }))) },
  { weight: 8, arbitrary: fc.tuple(anyMethod, badPath).map(([method, path]) => ({ category: 'path', method, path, headers: {}, body: method === 'GET' || method === 'HEAD' ? undefined : '{}' })) },
  { weight: 4, arbitrary: fc.tuple(fixture, fc.constantFrom('PUT', 'PATCH', 'POST', 'OPTIONS', 'TRACE', 'PROPFIND', 'PURGE', 'DELETE')).map(([f, method]) => ({
    category: 'method', method, path: method === 'DELETE' ? `/api/v1/namespaces` : method === 'POST' ? itemPath(f) : method === 'PUT' || method === 'PATCH' ? f.collection : itemPath(f),
    headers: { 'Content-Type': method === 'PATCH' ? 'application/merge-patch+json' : json }, body: '{"metadata":{"labels":{"a":"b"}}}',
  })) },
  { weight: 5, arbitrary: fc.tuple(fixture, fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE'), badContentType).map(([f, method, contentType]) => ({
    category: 'content-type', method, path: method === 'POST' ? f.collection : itemPath(f), headers: { 'Content-Type': contentType }, body: JSON.stringify(fixtureObject(f)),
  })) },
  { weight: 4, arbitrary: fc.tuple(fixture, fc.boolean(), badAccept).map(([f, item, accept]) => ({ category: 'accept', method: 'GET', path: item ? itemPath(f) : f.collection, headers: { Accept: accept } })) },
  { weight: 3, arbitrary: fc.tuple(fixture, fc.constantFrom('?watch=true&resourceVersion=abc', '?watch=1&timeoutSeconds=x', '', '?limit=x'), fc.oneof(fc.constant('{}'), badYaml(fixtures[0]), oddValue.map((v) => JSON.stringify(v))))
    .map(([f, query, body]) => ({ category: 'list-body', method: 'GET', path: f.collection + query, headers: { 'Content-Type': json }, body })) },
  { weight: 4, arbitrary: fc.tuple(fixture, fc.constantFrom('DELETE'), fc.oneof(oddValue.map((v) => JSON.stringify(v)), fc.constantFrom(
    '{"propagationPolicy":"Nope"}', '{"gracePeriodSeconds":"soon"}', '{"gracePeriodSeconds":1.5}', '{"dryRun":["Nope"]}', '{"dryRun":"All"}', '{"preconditions":{"uid":"other"}}',
    '{"preconditions":{"resourceVersion":"1"}}', '{"preconditions":"x"}', '{"orphanDependents":"yes"}', '{"kind":"DeleteOptions","apiVersion":"v9"}', '{"propagationPolicy":', '[]')), fc.boolean())
    .map(([f, method, body, item]) => ({ category: 'delete-options', method, path: item ? itemPath(f) : `${f.collection}?labelSelector=nomatch%3Dnever`, headers: { 'Content-Type': json }, body })) },
  { weight: 4, arbitrary: fc.tuple(fixture, impersonation, fc.constantFrom('GET', 'PATCH')).map(([f, headers, method]) => ({
    category: 'impersonation', method, path: itemPath(f), headers: method === 'PATCH' ? { ...headers, 'Content-Type': 'application/merge-patch+json' } : headers,
    body: method === 'PATCH' ? '{"metadata":{"labels":{"a":"b","bad label":"x"}}}' : undefined,
  })) },
);

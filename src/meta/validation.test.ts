// Tests for ObjectMeta / label selector validation causes, checked against upstream's exact cause texts.
import {
  finalizerWarnings,
  nameValidators,
  validateAnnotations,
  validateLabels,
  validateLabelSelector,
  validateObjectMeta,
  validateObjectMetaUpdate,
  validateOwnerReferences,
} from './validation.js';

const subdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelValueMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const namePartMsg =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

const namespaced = { namespaced: true, nameValidator: nameValidators.dns1123Subdomain };
const clusterScoped = { namespaced: false, nameValidator: nameValidators.dns1123Subdomain };

describe('validateObjectMeta', () => {
  it('accepts good metadata', () => {
    expect(
      validateObjectMeta(
        {
          name: 'web-1',
          namespace: 'default',
          labels: { app: 'web', 'example.com/tier': '' },
          annotations: { 'Example.com/Note': 'anything at all' },
          finalizers: ['example.com/cleanup', 'orphan'],
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true }],
        },
        namespaced,
      ),
    ).toEqual([]);
  });

  it('reports a bad name like upstream', () => {
    expect(validateObjectMeta({ name: 'Bad_Name', namespace: 'default' }, namespaced)).toEqual([
      { reason: 'FieldValueInvalid', message: `Invalid value: "Bad_Name": ${subdomainMsg}`, field: 'metadata.name' },
    ]);
  });

  it('requires a name and, when namespaced, a namespace', () => {
    expect(validateObjectMeta({}, namespaced)).toEqual([
      { reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' },
      { reason: 'FieldValueRequired', message: 'Required value', field: 'metadata.namespace' },
    ]);
  });

  it('forbids a namespace on cluster-scoped objects and validates namespace names', () => {
    expect(validateObjectMeta({ name: 'n', namespace: 'x' }, clusterScoped)).toEqual([
      { reason: 'FieldValueForbidden', message: 'Forbidden: not allowed on this type', field: 'metadata.namespace' },
    ]);
    expect(validateObjectMeta({ name: 'n', namespace: 'a.b' }, namespaced)).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: "a.b": must not contain dots', field: 'metadata.namespace' },
    ]);
  });

  it('validates generateName as a prefix before the name', () => {
    expect(validateObjectMeta({ name: 'web-x1', generateName: 'web-', namespace: 'd' }, namespaced)).toEqual([]);
    const causes = validateObjectMeta({ name: 'Web-x1', generateName: 'Web_-', namespace: 'd' }, namespaced);
    expect(causes.map((c) => c.field)).toEqual(['metadata.generateName', 'metadata.name']);
    expect(causes[0].message).toBe(`Invalid value: "Web_-": ${subdomainMsg}`);
  });

  it('rejects a negative generation with a bare number', () => {
    expect(validateObjectMeta({ name: 'n', generation: -1 }, clusterScoped)).toEqual([
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: -1: must be greater than or equal to 0',
        field: 'metadata.generation',
      },
    ]);
  });

  it('validates labels on the map path', () => {
    expect(validateLabels({ 'a b': 'ok', good: 'bad value' }, 'metadata.labels')).toEqual([
      { reason: 'FieldValueInvalid', message: `Invalid value: "a b": ${namePartMsg}`, field: 'metadata.labels' },
      { reason: 'FieldValueInvalid', message: `Invalid value: "bad value": ${labelValueMsg}`, field: 'metadata.labels' },
    ]);
  });

  it('validates annotation keys case-insensitively and their total size', () => {
    expect(validateAnnotations({ 'Example.COM/Key': 'v' }, 'metadata.annotations')).toEqual([]);
    expect(validateAnnotations({ 'a/b/c': 'v' }, 'metadata.annotations')[0].message).toMatch(
      /^Invalid value: "a\/b\/c": a valid label key must consist/,
    );
    expect(validateAnnotations({ a: 'x'.repeat(256 * 1024 - 1) }, 'metadata.annotations')).toEqual([]);
    expect(validateAnnotations({ a: 'x'.repeat(256 * 1024) }, 'metadata.annotations')).toEqual([
      { reason: 'FieldValueTooLong', message: 'Too long: may not be more than 262144 bytes', field: 'metadata.annotations' },
    ]);
  });

  it('validates owner references like upstream', () => {
    expect(validateOwnerReferences([{ apiVersion: '', kind: '', name: '', uid: '' }], 'metadata.ownerReferences')).toEqual([
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "": version must not be empty',
        field: 'metadata.ownerReferences.apiVersion',
      },
      { reason: 'FieldValueInvalid', message: 'Invalid value: "": must not be empty', field: 'metadata.ownerReferences.kind' },
      { reason: 'FieldValueInvalid', message: 'Invalid value: "": must not be empty', field: 'metadata.ownerReferences.name' },
      { reason: 'FieldValueInvalid', message: 'Invalid value: "": must not be empty', field: 'metadata.ownerReferences.uid' },
    ]);
    expect(
      validateOwnerReferences([{ apiVersion: 'a/b/c', kind: 'K', name: 'n', uid: 'u' }], 'metadata.ownerReferences')[0]
        .message,
    ).toBe('Invalid value: "a/b/c": version must not be empty');
    expect(validateOwnerReferences([{ uid: 'u', name: 'e', kind: 'Event', apiVersion: 'v1' }], 'm.o')).toEqual([
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: {"apiVersion":"v1","kind":"Event","name":"e","uid":"u"}: /v1, Kind=Event is disallowed from being an owner',
        field: 'm.o',
      },
    ]);
    expect(validateOwnerReferences([{ apiVersion: 'events.k8s.io/v1', kind: 'Event', name: 'e', uid: 'u' }], 'm.o')).toEqual([]);
  });

  it('allows only one controller reference', () => {
    const refs = [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: '2', controller: true, blockOwnerDeletion: true },
    ];
    expect(validateOwnerReferences(refs, 'metadata.ownerReferences')).toEqual([
      {
        reason: 'FieldValueInvalid',
        message:
          'Invalid value: [{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"a","uid":"1","controller":true},' +
          '{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"b","uid":"2","controller":true,"blockOwnerDeletion":true}]: ' +
          'Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/a and ReplicaSet/b',
        field: 'metadata.ownerReferences',
      },
    ]);
  });

  it('validates finalizers', () => {
    expect(validateObjectMeta({ name: 'n', finalizers: ['a/b/c'] }, clusterScoped)[0]).toMatchObject({
      field: 'metadata.finalizers',
      message: expect.stringMatching(/^Invalid value: "a\/b\/c": a valid label key/),
    });
    expect(validateObjectMeta({ name: 'n', finalizers: ['orphan', 'foregroundDeletion'] }, clusterScoped)).toEqual([
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: ["orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set',
        field: 'metadata.finalizers',
      },
    ]);
    expect(validateObjectMeta({ name: 'n', finalizers: ['foo'] }, clusterScoped)).toEqual([]);
    expect(validateObjectMeta({ name: 'n', finalizers: ['kubernetes', 'foo'] }, { ...clusterScoped, builtinFinalizerRules: true })).toEqual([
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified',
        field: 'metadata.finalizers[1]',
      },
    ]);
  });

  it('validates managed fields', () => {
    const causes = validateObjectMeta(
      { name: 'n', managedFields: [{ manager: 'kubectl\u0007', operation: 'Patch', fieldsType: 'FieldsV2' }] },
      clusterScoped,
    );
    expect(causes).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: "Patch": must be `Apply` or `Update`', field: 'metadata.managedFields[0].operation' },
      { reason: 'FieldValueInvalid', message: 'Invalid value: "FieldsV2": must be `FieldsV1`', field: 'metadata.managedFields[0].fieldsType' },
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "kubectl\\a": invalid character U+0007 (at position 7)',
        field: 'metadata.managedFields[0].manager',
      },
    ]);
  });

  it('uses a custom field path', () => {
    expect(validateObjectMeta({ name: 'n', labels: { a: '-' } }, { ...clusterScoped, fieldPath: 'spec.template.metadata' })[0].field).toBe(
      'spec.template.metadata.labels',
    );
  });
});

describe('validateObjectMetaUpdate', () => {
  const old = { name: 'a', namespace: 'd', uid: 'u1', resourceVersion: '5', generation: 3, creationTimestamp: '2024-01-01T00:00:00Z' };

  it('accepts an unchanged identity', () => {
    expect(validateObjectMetaUpdate({ ...old, labels: { x: 'y' } }, old)).toEqual([]);
  });

  it('reports immutable fields, a missing resourceVersion and a decremented generation', () => {
    const causes = validateObjectMetaUpdate(
      { name: 'b', namespace: 'd', uid: 'u2', generation: 2, creationTimestamp: '2024-01-02T00:00:00+00:00', deletionGracePeriodSeconds: 30 },
      old,
    );
    expect(causes).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: "": must be specified for an update', field: 'metadata.resourceVersion' },
      { reason: 'FieldValueInvalid', message: 'Invalid value: 2: must not be decremented', field: 'metadata.generation' },
      { reason: 'FieldValueInvalid', message: 'Invalid value: "b": field is immutable', field: 'metadata.name' },
      { reason: 'FieldValueInvalid', message: 'Invalid value: "u2": field is immutable', field: 'metadata.uid' },
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "2024-01-02T00:00:00Z": field is immutable',
        field: 'metadata.creationTimestamp',
      },
      { reason: 'FieldValueInvalid', message: 'Invalid value: 30: field is immutable', field: 'metadata.deletionGracePeriodSeconds' },
    ]);
  });

  it('prints cleared timestamps as null and treats equal instants as equal', () => {
    expect(validateObjectMetaUpdate({ ...old, creationTimestamp: '2024-01-01T01:00:00+01:00' }, old)).toEqual([]);
    expect(validateObjectMetaUpdate({ ...old, creationTimestamp: undefined }, old)).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: null: field is immutable', field: 'metadata.creationTimestamp' },
    ]);
  });

  it('forbids new finalizers once deletion started', () => {
    const deleting = { ...old, deletionTimestamp: '2024-02-01T00:00:00Z', finalizers: ['a.io/x'] };
    expect(validateObjectMetaUpdate({ ...deleting, finalizers: ['z.io/y', 'a.io/x', 'b.io/w'] }, deleting)).toEqual([
      {
        reason: 'FieldValueForbidden',
        message:
          'Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.io/w", "z.io/y"}',
        field: 'metadata.finalizers',
      },
    ]);
    expect(validateObjectMetaUpdate({ ...deleting, finalizers: [] }, deleting)).toEqual([]);
  });
});

describe('validateLabelSelector', () => {
  it('reports each requirement problem on its own path', () => {
    const causes = validateLabelSelector(
      {
        matchLabels: { app: 'a b' },
        matchExpressions: [
          { key: 'k', operator: 'In' },
          { key: 'k', operator: 'Exists', values: ['v'] },
          { key: 'k', operator: 'Bogus' },
          { key: 'k', operator: 'In', values: ['ok', '-bad'] },
        ],
      },
      'spec.selector',
    );
    expect(causes).toEqual([
      { reason: 'FieldValueInvalid', message: `Invalid value: "a b": ${labelValueMsg}`, field: 'spec.selector.matchLabels' },
      {
        reason: 'FieldValueRequired',
        message: "Required value: must be specified when `operator` is 'In' or 'NotIn'",
        field: 'spec.selector.matchExpressions[0].values',
      },
      {
        reason: 'FieldValueForbidden',
        message: "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        field: 'spec.selector.matchExpressions[1].values',
      },
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "Bogus": not a valid selector operator',
        field: 'spec.selector.matchExpressions[2].operator',
      },
      {
        reason: 'FieldValueInvalid',
        message: `Invalid value: "-bad": ${labelValueMsg}`,
        field: 'spec.selector.matchExpressions[3].values[1]',
      },
    ]);
    expect(validateLabelSelector(undefined, 'spec.selector')).toEqual([]);
  });
});

describe('finalizerWarnings', () => {
  it('warns about newly added unqualified finalizers like the custom-resource strategy', () => {
    expect(finalizerWarnings(['foo', 'a.b', 'example.com/x', 'orphan', 'old'], ['old'])).toEqual([
      'metadata.finalizers: "a.b": prefer a domain-qualified finalizer name including a path (/) to avoid accidental conflicts with other finalizer writers',
      'metadata.finalizers: "foo": prefer a domain-qualified finalizer name to avoid accidental conflicts with other finalizer writers',
    ]);
  });
});

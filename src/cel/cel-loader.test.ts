// Tests for the lazy CEL engine: not loaded by importing kubefake's write path, loaded by the first write that needs it.
import { celLoaded, schemaHasCelRules } from './cel-loader.js';
import { startCluster } from '../cluster.js';

describe('the CEL engine', () => {
  it('is loaded by the first CRD write, not before', async () => {
    const cluster = await startCluster({ controllers: '', nodes: 0, loadClientNode: false });
    try {
      await cluster.client.create('v1', 'configmaps', 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' } });
      expect(celLoaded()).toBe(false);
      await cluster.client.create('apiextensions.k8s.io/v1', 'customresourcedefinitions', undefined, {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.example.com' },
        spec: {
          group: 'example.com',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
          scope: 'Namespaced',
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: { spec: { type: 'object', 'x-kubernetes-validations': [{ rule: 'self.size() < 0x' }] } },
                },
              },
            },
          ],
        },
      }).then(
        () => {
          throw new Error('a rule that does not compile must be refused');
        },
        (err: { code?: number }) => expect(err.code).toBe(422),
      );
      expect(celLoaded()).toBe(true);
    } finally {
      await cluster.close();
    }
  });

  it('finds rules anywhere in a schema', () => {
    expect(schemaHasCelRules({ type: 'object' })).toBe(false);
    expect(schemaHasCelRules({ type: 'object', 'x-kubernetes-validations': [] })).toBe(false);
    expect(schemaHasCelRules({ type: 'array', items: { type: 'object', properties: { a: { type: 'string', 'x-kubernetes-validations': [{ rule: 'true' }] } } } })).toBe(true);
    expect(schemaHasCelRules({ type: 'object', additionalProperties: { type: 'object', allOf: [{ 'x-kubernetes-validations': [{ rule: 'true' }] }] } })).toBe(true);
  });
});

// Tests for the printers as the built-in strategies wire them: the NAME column contract and one cell per column.
import type { KubeObject } from '../../meta/types.js';
import { loadSwagger } from '../../openapi/openapi-v2.js';
import { builtinApi } from '../builtins.js';
import { defaultTable, includesNameColumn, nameColumn } from './index.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const printed = builtinApi(loadSwagger(), {}).resources.filter((r) => r.strategy.table);
const key = (r: (typeof printed)[number]) => `${r.type.group}/${r.type.version}/${r.type.resource}`;

describe('printers wired into strategies', () => {
  it('covers the kinds kubectl get prints with their own columns', () => {
    expect(printed.map(key).sort()).toEqual([
      '/v1/configmaps',
      '/v1/endpoints',
      '/v1/events',
      '/v1/namespaces',
      '/v1/nodes',
      '/v1/persistentvolumeclaims',
      '/v1/persistentvolumes',
      '/v1/pods',
      '/v1/replicationcontrollers',
      '/v1/secrets',
      '/v1/serviceaccounts',
      '/v1/services',
      'apiextensions.k8s.io/v1/customresourcedefinitions',
      'apps/v1/daemonsets',
      'apps/v1/deployments',
      'apps/v1/replicasets',
      'apps/v1/statefulsets',
      'batch/v1/cronjobs',
      'batch/v1/jobs',
      'events.k8s.io/v1/events',
      'networking.k8s.io/v1/ingresses',
    ]);
  });

  it('exports the NAME column with the ObjectMeta name description', () => {
    expect(nameColumn).toEqual({
      name: 'Name',
      type: 'string',
      format: 'name',
      priority: 0,
      description: expect.stringMatching(/^Name must be unique within a namespace\. Is required when creating resources/),
    });
  });

  it('flags only the event printers as carrying their own NAME', () => {
    const selfNamed = printed.filter((r) => includesNameColumn(r.strategy.table!)).map(key);
    expect(selfNamed).toEqual(['/v1/events', 'events.k8s.io/v1/events']);
    expect(includesNameColumn(defaultTable)).toBe(false);
  });

  it('yields one cell per column, even for a bare object', () => {
    const bare: KubeObject = { metadata: { name: 'x', creationTimestamp: '2025-06-01T11:00:00Z' } };
    for (const r of printed) {
      const printer = r.strategy.table!;
      expect([key(r), printer.cells(bare, NOW).length]).toEqual([key(r), printer.columns.length]);
      for (const c of printer.columns) expect(c.description).not.toBe('');
    }
  });

  it('prints AGE only by default', () => {
    expect(defaultTable.columns.map((c) => c.name)).toEqual(['Age']);
    expect(defaultTable.cells({ metadata: { creationTimestamp: '2025-06-01T11:00:00Z' } }, NOW)).toEqual(['60m']);
  });
});

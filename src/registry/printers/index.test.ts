// Tests for the printer registry: keys, the NAME column contract, and that every row matches its columns.
import type { KubeObject } from '../../meta/types.js';
import { defaultTable, includesNameColumn, nameColumn, tablePrinterFor, tablePrinters } from './index.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');

describe('printer registry', () => {
  it('keys printers by group/resource with the core group empty', () => {
    expect(Object.keys(tablePrinters).sort()).toEqual([
      '/configmaps',
      '/endpoints',
      '/events',
      '/namespaces',
      '/nodes',
      '/persistentvolumeclaims',
      '/persistentvolumes',
      '/pods',
      '/replicationcontrollers',
      '/secrets',
      '/serviceaccounts',
      '/services',
      'apps/daemonsets',
      'apps/deployments',
      'apps/replicasets',
      'apps/statefulsets',
      'batch/cronjobs',
      'batch/jobs',
      'events.k8s.io/events',
      'networking.k8s.io/ingresses',
    ]);
    expect(tablePrinterFor('', 'pods')).toBe(tablePrinters['/pods']);
    expect(tablePrinterFor('rbac.authorization.k8s.io', 'roles')).toBe(defaultTable);
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
    const selfNamed = Object.entries(tablePrinters)
      .filter(([, p]) => includesNameColumn(p))
      .map(([k]) => k);
    expect(selfNamed).toEqual(['/events', 'events.k8s.io/events']);
    expect(includesNameColumn(defaultTable)).toBe(false);
  });

  it('yields one cell per column, even for a bare object', () => {
    const bare: KubeObject = { metadata: { name: 'x', creationTimestamp: '2025-06-01T11:00:00Z' } };
    for (const [key, printer] of Object.entries({ ...tablePrinters, default: defaultTable })) {
      expect([key, printer.cells(bare, NOW).length]).toEqual([key, printer.columns.length]);
      for (const c of printer.columns) expect(c.description).not.toBe('');
    }
  });

  it('prints AGE only by default', () => {
    expect(defaultTable.columns.map((c) => c.name)).toEqual(['Age']);
    expect(defaultTable.cells({ metadata: { creationTimestamp: '2025-06-01T11:00:00Z' } }, NOW)).toEqual(['60m']);
  });
});

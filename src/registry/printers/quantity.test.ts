// Tests for the canonical quantity strings and label selector strings the printers emit.
import { formatLabels, formatLabelSelector, labelSelectorString } from './label-selector.js';
import { formatQuantity } from './quantity.js';

describe('formatQuantity', () => {
  it.each([
    ['1Gi', '1Gi'],
    ['10Gi', '10Gi'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['1.5Gi', '1536Mi'],
    ['1000Ki', '1000Ki'],
    ['1.5Ki', '1536'],
    ['0.3Ki', '307200m'],
    ['1000M', '1G'],
    ['1.5G', '1500M'],
    ['100', '100'],
    ['2048', '2048'],
    ['0.1', '100m'],
    ['500m', '500m'],
    ['1000m', '1'],
    ['10e3', '10e3'],
    ['1E3', '1E3'],
    ['100e2', '10e3'],
    ['0', '0'],
    ['0Gi', '0'],
    ['1n', '1n'],
    ['0.0000000001', '1n'],
    ['-1Gi', '-1Gi'],
  ])('%s → %s', (input, expected) => {
    expect(formatQuantity(input)).toBe(expected);
  });

  it('prints 0 for an absent quantity and the raw text for an unparseable one', () => {
    expect(formatQuantity(undefined)).toBe('0');
    expect(formatQuantity('lots')).toBe('lots');
  });
});

describe('label selectors', () => {
  it('formats label maps sorted, <none> when empty', () => {
    expect(formatLabels({ tier: 'fe', app: 'web' })).toBe('app=web,tier=fe');
    expect(formatLabels({})).toBe('<none>');
    expect(formatLabels(undefined)).toBe('<none>');
  });

  it('formats LabelSelectors with requirements sorted by key', () => {
    const selector = {
      matchLabels: { tier: 'fe', app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'dev'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'zone', operator: 'NotIn', values: ['a'] },
        { key: 'gpu', operator: 'Exists' },
      ],
    };
    expect(formatLabelSelector(selector)).toBe('app=web,!canary,env in (dev,prod),gpu,tier=fe,zone notin (a)');
  });

  it('distinguishes nil/empty (<none>) and invalid (<error>) selectors', () => {
    expect(formatLabelSelector(undefined)).toBe('<none>');
    expect(formatLabelSelector({})).toBe('<none>');
    expect(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] })).toBe('<error>');
    expect(formatLabelSelector({ matchLabels: { 'bad key!': 'x' } })).toBe('<error>');
    expect(labelSelectorString(undefined)).toBe('');
    expect(labelSelectorString({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toBeUndefined();
  });
});

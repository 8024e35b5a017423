// Label and field selections for the watch suites, each with a predicate written independently of the server's parser.
import type { Selection } from './event-log-support.js';

const label = (labelSelector: string, matches: (labels: Record<string, string>) => boolean): Selection => ({
  description: labelSelector,
  labelSelector,
  matches: (_name, o) => matches(o.value.labels),
});

export const labelSelections: Selection[] = [
  label('color=red', (l) => l.color === 'red'),
  label('color in (red,blue)', (l) => l.color === 'red' || l.color === 'blue'),
  label('!color', (l) => l.color === undefined),
  label('tier=a,color!=green', (l) => l.tier === 'a' && l.color !== 'green'),
  label('color', (l) => l.color !== undefined),
  label('color notin (red)', (l) => l.color !== 'red'),
];

export const fieldSelections: Selection[] = [
  { description: 'metadata.name=k3', fieldSelector: 'metadata.name=k3', matches: (name) => name === 'k3' },
  { description: 'metadata.name!=k5', fieldSelector: 'metadata.name!=k5', matches: (name) => name !== 'k5' },
  {
    description: 'metadata.name=k7 and color=blue',
    fieldSelector: 'metadata.name=k7',
    labelSelector: 'color=blue',
    matches: (name, o) => name === 'k7' && o.value.labels.color === 'blue',
  },
];

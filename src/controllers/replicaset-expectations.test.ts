// The expectations' bookkeeping: creates and deletes awaited per owner, and the timeout on the injected clock.
import { VirtualClock } from '../clock/virtual-clock.js';
import { expectationsTimeoutMs, PodExpectations } from './replicaset-expectations.js';

describe('PodExpectations', () => {
  it('waits for every expected create, then is satisfied', () => {
    const exp = new PodExpectations(new VirtualClock());
    expect(exp.satisfied('ns/rs')).toBe(true);
    exp.expectCreations('ns/rs', 2);
    exp.creationObserved('ns/rs');
    expect(exp.satisfied('ns/rs')).toBe(false);
    exp.creationObserved('ns/rs');
    expect(exp.satisfied('ns/rs')).toBe(true);
  });
  it('counts each expected deletion once and ignores pods it did not delete', () => {
    const exp = new PodExpectations(new VirtualClock());
    exp.expectDeletions('ns/rs', ['ns/a', 'ns/b']);
    exp.deletionObserved('ns/rs', 'ns/a');
    exp.deletionObserved('ns/rs', 'ns/a');
    exp.deletionObserved('ns/rs', 'ns/other');
    expect(exp.pending('ns/rs')).toEqual({ add: 0, del: 1 });
    exp.deletionObserved('ns/rs', 'ns/b');
    expect(exp.satisfied('ns/rs')).toBe(true);
  });
  it('gives up waiting after the timeout on the injected clock', () => {
    const clock = new VirtualClock();
    const exp = new PodExpectations(clock);
    exp.expectCreations('ns/rs', 1);
    clock.advance(expectationsTimeoutMs);
    expect(exp.satisfied('ns/rs')).toBe(false);
    clock.advance(1);
    expect(exp.satisfied('ns/rs')).toBe(true);
  });
  it('forgets a deleted owner', () => {
    const exp = new PodExpectations(new VirtualClock());
    exp.expectCreations('ns/rs', 3);
    exp.delete('ns/rs');
    expect(exp.satisfied('ns/rs')).toBe(true);
    expect(exp.pending('ns/rs')).toBeUndefined();
  });
});

// The expectations' bookkeeping: creates and deletes awaited per owner, deletes by pod key, the injected-clock timeout.
import { VirtualClock } from '../../clock/virtual-clock.js';
import { ControllerExpectations, expectationsTimeoutMs, UIDTrackingControllerExpectations } from './expectations.js';

describe('ControllerExpectations', () => {
  it('is satisfied for an unknown key', () => {
    expect(new ControllerExpectations(new VirtualClock()).satisfied('ns/job')).toBe(true);
  });
  it('waits for every expected create and delete', () => {
    const exp = new ControllerExpectations(new VirtualClock());
    exp.set('ns/ds', 1, 2);
    exp.creationObserved('ns/ds');
    exp.deletionObserved('ns/ds');
    expect(exp.satisfied('ns/ds')).toBe(false);
    expect(exp.pending('ns/ds')).toEqual({ add: 0, del: 1 });
    exp.deletionObserved('ns/ds');
    expect(exp.satisfied('ns/ds')).toBe(true);
  });
  it('replaces earlier expectations rather than adding to them', () => {
    const exp = new ControllerExpectations(new VirtualClock());
    exp.expectCreations('ns/job', 3);
    exp.expectDeletions('ns/job', 1);
    expect(exp.pending('ns/job')).toEqual({ add: 0, del: 1 });
  });
  it('lowers expectations for writes that will never be observed', () => {
    const exp = new ControllerExpectations(new VirtualClock());
    exp.set('ns/ds', 5, 0);
    exp.lower('ns/ds', 3, 0);
    exp.lower('ns/other', 1, 1);
    expect(exp.pending('ns/ds')).toEqual({ add: 2, del: 0 });
    expect(exp.pending('ns/other')).toBeUndefined();
    exp.creationObserved('ns/ds');
    exp.creationObserved('ns/ds');
    expect(exp.satisfied('ns/ds')).toBe(true);
  });
  it('ignores observations for a key nothing was expected of', () => {
    const exp = new ControllerExpectations(new VirtualClock());
    exp.creationObserved('ns/job');
    exp.deletionObserved('ns/job');
    expect(exp.pending('ns/job')).toBeUndefined();
    expect(exp.satisfied('ns/job')).toBe(true);
  });
  it('gives up waiting after the timeout on the injected clock, and a new set restarts it', () => {
    const clock = new VirtualClock();
    const exp = new ControllerExpectations(clock);
    exp.expectDeletions('ns/job', 1);
    clock.advance(expectationsTimeoutMs);
    expect(exp.satisfied('ns/job')).toBe(false);
    clock.advance(1);
    expect(exp.satisfied('ns/job')).toBe(true);
    exp.expectCreations('ns/job', 1);
    expect(exp.satisfied('ns/job')).toBe(false);
  });
  it('forgets a deleted owner', () => {
    const exp = new ControllerExpectations(new VirtualClock());
    exp.set('ns/ds', 1, 1);
    exp.delete('ns/ds');
    expect(exp.satisfied('ns/ds')).toBe(true);
    expect(exp.pending('ns/ds')).toBeUndefined();
  });
});

describe('UIDTrackingControllerExpectations', () => {
  it('waits for every expected create, then is satisfied', () => {
    const exp = new UIDTrackingControllerExpectations(new VirtualClock());
    expect(exp.satisfied('ns/rs')).toBe(true);
    exp.expectCreations('ns/rs', 2);
    exp.creationObserved('ns/rs');
    expect(exp.satisfied('ns/rs')).toBe(false);
    exp.creationObserved('ns/rs');
    expect(exp.satisfied('ns/rs')).toBe(true);
  });
  it('counts each expected deletion once and ignores pods it did not delete', () => {
    const exp = new UIDTrackingControllerExpectations(new VirtualClock());
    exp.expectDeletions('ns/rs', ['ns/a', 'ns/b']);
    exp.deletionObserved('ns/rs', 'ns/a');
    exp.deletionObserved('ns/rs', 'ns/a');
    exp.deletionObserved('ns/rs', 'ns/other');
    expect(exp.pending('ns/rs')).toEqual({ add: 0, del: 1 });
    exp.deletionObserved('ns/rs', 'ns/b');
    expect(exp.satisfied('ns/rs')).toBe(true);
  });
  it('counts a duplicated pod key once', () => {
    const exp = new UIDTrackingControllerExpectations(new VirtualClock());
    exp.expectDeletions('ns/rs', ['ns/a', 'ns/a']);
    expect(exp.pending('ns/rs')).toEqual({ add: 0, del: 1 });
  });
  it('gives up waiting after the timeout on the injected clock', () => {
    const clock = new VirtualClock();
    const exp = new UIDTrackingControllerExpectations(clock);
    exp.expectCreations('ns/rs', 1);
    clock.advance(expectationsTimeoutMs);
    expect(exp.satisfied('ns/rs')).toBe(false);
    clock.advance(1);
    expect(exp.satisfied('ns/rs')).toBe(true);
  });
  it('forgets a deleted owner, pod keys included', () => {
    const exp = new UIDTrackingControllerExpectations(new VirtualClock());
    exp.expectDeletions('ns/rs', ['ns/a']);
    exp.delete('ns/rs');
    expect(exp.satisfied('ns/rs')).toBe(true);
    expect(exp.pending('ns/rs')).toBeUndefined();
    exp.expectCreations('ns/rs', 0);
    exp.deletionObserved('ns/rs', 'ns/a');
    expect(exp.pending('ns/rs')).toEqual({ add: 0, del: 0 });
  });
});

// Tests for the watcher index: only matching watchers, in registration order across groups, safe to change mid-visit.
import { resourcePrefixLength, WatcherIndex } from './watcher-index.js';

interface Named {
  name: string;
  prefix: string;
}

function visited(index: WatcherIndex<Named>, key: string): string[] {
  const names: string[] = [];
  index.forKey(key, (w) => names.push(w.name));
  return names;
}

describe('WatcherIndex', () => {
  it('finds the resource part of keys and prefixes', () => {
    expect(resourcePrefixLength('/registry/core/pods/default/web')).toBe('/registry/core/pods/'.length);
    expect(resourcePrefixLength('/registry/core/pods/')).toBe('/registry/core/pods/'.length);
    expect(resourcePrefixLength('/registry/')).toBe(-1);
    expect(resourcePrefixLength('/registry/apps')).toBe(-1);
  });

  it('visits exactly the watchers whose prefix the key starts with, in the order they were added', () => {
    const index = new WatcherIndex<Named>();
    const add = (name: string, prefix: string) => index.add({ name, prefix });
    add('all', '/registry/');
    add('pods', '/registry/core/pods/');
    add('apps', '/registry/apps/');
    add('pods-in-dev', '/registry/core/pods/dev/');
    add('configmaps', '/registry/core/configmaps/');
    add('all-again', '/registry/');
    add('pods-in-devx', '/registry/core/pods/devx/');
    expect(visited(index, '/registry/core/pods/dev/web')).toEqual(['all', 'pods', 'pods-in-dev', 'all-again']);
    expect(visited(index, '/registry/core/pods/devx/web')).toEqual(['all', 'pods', 'all-again', 'pods-in-devx']);
    expect(visited(index, '/registry/apps/deployments/dev/web')).toEqual(['all', 'apps', 'all-again']);
    expect(visited(index, '/registry/core/secrets/dev/s')).toEqual(['all', 'all-again']);
  });

  it('forgets removed watchers, and a visit in progress keeps the watchers it started with', () => {
    const index = new WatcherIndex<Named>();
    const first = { name: 'first', prefix: '/registry/core/pods/' };
    const second = { name: 'second', prefix: '/registry/core/pods/' };
    index.add(first);
    index.add(second);
    const names: string[] = [];
    index.forKey('/registry/core/pods/a/b', (w) => {
      names.push(w.name);
      if (w === first) {
        index.remove(second);
        index.add({ name: 'late', prefix: '/registry/core/pods/' });
      }
    });
    // The visit had started with both; the caller (the store) skips stopped watchers itself.
    expect(names).toEqual(['first', 'second']);
    expect(visited(index, '/registry/core/pods/a/b')).toEqual(['first', 'late']);
    index.remove(first);
    expect(visited(index, '/registry/core/pods/a/b')).toEqual(['late']);
    index.clear();
    expect(visited(index, '/registry/core/pods/a/b')).toEqual([]);
  });
});

// Tests for image reference parsing and the imagePullPolicy it implies.
import { defaultPullPolicy, parseImageName } from './image-pull-policy.js';

const sha = 'b'.repeat(64);

describe('defaultPullPolicy', () => {
  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['library/nginx', 'Always'],
    ['docker.io/library/nginx:latest', 'Always'],
    ['localhost:5000/app', 'Always'],
    [`nginx:latest@sha256:${sha}`, 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    ['nginx:Latest', 'IfNotPresent'],
    [`nginx@sha256:${sha}`, 'IfNotPresent'],
    ['gcr.io/project/app:v1.2.3', 'IfNotPresent'],
    ['[::1]:5000/app:1', 'IfNotPresent'],
    // references the parser rejects have no tag, so they are not treated as :latest
    ['', 'IfNotPresent'],
    ['Nginx', 'IfNotPresent'],
    ['nginx@sha256:abc', 'IfNotPresent'],
    [`nginx@md5:${sha}`, 'IfNotPresent'],
    [sha, 'IfNotPresent'],
    ['a/b:c:d', 'IfNotPresent'],
    [`${'a'.repeat(300)}`, 'IfNotPresent'],
  ])('%s → %s', (image, policy) => {
    expect(defaultPullPolicy(image)).toBe(policy);
  });

  it('treats a non-string image as unparseable', () => {
    expect(defaultPullPolicy(undefined)).toBe('IfNotPresent');
    expect(defaultPullPolicy(42)).toBe('IfNotPresent');
  });
});

describe('parseImageName', () => {
  it('normalises the registry and library prefix', () => {
    expect(parseImageName('nginx')).toEqual({ repository: 'docker.io/library/nginx', tag: 'latest', digest: '' });
    expect(parseImageName('index.docker.io/team/app:2')).toEqual({ repository: 'docker.io/team/app', tag: '2', digest: '' });
    expect(parseImageName(`Registry.Example/app@sha256:${sha}`)).toEqual({
      repository: 'Registry.Example/app',
      tag: '',
      digest: `sha256:${sha}`,
    });
  });
});

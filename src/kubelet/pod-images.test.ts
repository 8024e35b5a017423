// Image references as containerd reports them, stable runtime IDs, and Go's duration text.
import { containerID, goDuration, imageID, runtimeImageName } from './pod-images.js';

describe('image references', () => {
  it('are normalized as the docker reference library does', () => {
    expect(runtimeImageName('nginx')).toBe('docker.io/library/nginx:latest');
    expect(runtimeImageName('nginx:1.27')).toBe('docker.io/library/nginx:1.27');
    expect(runtimeImageName('bitnami/redis:7')).toBe('docker.io/bitnami/redis:7');
    expect(runtimeImageName('registry.k8s.io/pause:3.10')).toBe('registry.k8s.io/pause:3.10');
    expect(runtimeImageName('localhost:5000/app')).toBe('localhost:5000/app:latest');
    expect(runtimeImageName('nginx@sha256:abc')).toBe('docker.io/library/nginx@sha256:abc');
  });

  it('have a repo digest that is stable per image, or the digest they were pulled by', () => {
    expect(imageID('nginx:1.27')).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    expect(imageID('nginx:1.27')).toBe(imageID('docker.io/library/nginx:1.27'));
    expect(imageID('nginx:1.27')).not.toBe(imageID('nginx:1.28'));
    expect(imageID('nginx@sha256:abc')).toBe('docker.io/library/nginx@sha256:abc');
  });

  it('give each run of each container its own ID', () => {
    expect(containerID('uid-1', 'app', 0)).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(containerID('uid-1', 'app', 0)).toBe(containerID('uid-1', 'app', 0));
    expect(new Set([containerID('uid-1', 'app', 0), containerID('uid-1', 'app', 1), containerID('uid-2', 'app', 0)]).size).toBe(3);
  });
});

describe('goDuration', () => {
  it('prints as time.Duration.String', () => {
    expect([0, 250, 1000, 1500, 10_000, 80_000, 160_000, 300_000, 3_600_000, 3_661_001].map(goDuration)).toEqual([
      '0s',
      '250ms',
      '1s',
      '1.5s',
      '10s',
      '1m20s',
      '2m40s',
      '5m0s',
      '1h0m0s',
      '1h1m1.001s',
    ]);
  });
});

// Deterministic runtime identities: normalized image names, image and container IDs, image sizes, Go durations.
import { createHash } from 'node:crypto';

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

interface ImageReference {
  /** `docker.io/library/nginx` */
  repository: string;
  tag?: string;
  digest?: string;
}

/** Splits an image reference as the docker reference library normalizes it (`nginx` → `docker.io/library/nginx`). */
export function parseImageReference(image: string): ImageReference {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  const first = slash < 0 ? '' : rest.slice(0, slash);
  const hasDomain = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  let repository = hasDomain ? rest : `docker.io/${rest}`;
  if (repository.startsWith('index.docker.io/')) repository = `docker.io/${repository.slice('index.docker.io/'.length)}`;
  if (repository.startsWith('docker.io/') && !repository.slice('docker.io/'.length).includes('/')) {
    repository = `docker.io/library/${repository.slice('docker.io/'.length)}`;
  }
  if (!tag && !digest) tag = 'latest';
  return { repository, tag, digest };
}

/** The image a running container reports: the fully qualified reference containerd resolved. */
export function runtimeImageName(image: string): string {
  const ref = parseImageReference(image);
  if (ref.digest) return `${ref.repository}@${ref.digest}`;
  return `${ref.repository}:${ref.tag}`;
}

/** The image's repo digest (`docker.io/library/nginx@sha256:…`), derived from its name when it has none. */
export function imageID(image: string): string {
  const ref = parseImageReference(image);
  return `${ref.repository}@${ref.digest ?? `sha256:${sha256Hex(`image:${ref.repository}:${ref.tag}`)}`}`;
}

/** A container ID unique to one run of one container of one pod. */
export function containerID(podUid: string, container: string, restartCount: number): string {
  return `containerd://${sha256Hex(`container:${podUid}/${container}/${restartCount}`)}`;
}

/** A plausible compressed image size in bytes (10 to 200 MB), stable per image. */
export function imageSize(image: string): number {
  const h = Number.parseInt(sha256Hex(`size:${runtimeImageName(image)}`).slice(0, 8), 16);
  return 10_000_000 + (h % 190_000_000);
}

/** Go's time.Duration.String for whole milliseconds: `0s`, `250ms`, `1.5s`, `1m20s`, `5m0s`, `1h0m0s`. */
export function goDuration(ms: number): string {
  const total = Math.round(ms);
  if (total === 0) return '0s';
  if (Math.abs(total) < 1000) return `${total}ms`;
  const sign = total < 0 ? '-' : '';
  const abs = Math.abs(total);
  const hours = Math.floor(abs / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const millis = abs % 60_000;
  const seconds = `${Math.floor(millis / 1000)}${millis % 1000 ? `.${String(millis % 1000).padStart(3, '0').replace(/0+$/, '')}` : ''}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}

// Image reference parsing as the apiserver does it to pick a default imagePullPolicy (distribution/reference rules).

// The grammar of distribution/reference: a name is an optional registry host then slash-separated lowercase path
// components; a tag and a digest may follow. The regexes are written out here so the parser has no dependency.
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainAndPort = `(?:${domainName}|${ipv6})(?::[0-9]+)?`;
const namePattern = `(?:${domainAndPort}/)?${pathComponent}(?:/${pathComponent})*`;
const tagPattern = '[\\w][\\w.-]{0,127}';
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const referenceRegexp = new RegExp(`^(${namePattern})(?::(${tagPattern}))?(?:@(${digestPattern}))?$`);
const identifierRegexp = /^[a-f0-9]{64}$/;

const nameTotalLengthMax = 255;
// go-digest only accepts these algorithms, each with an exact lowercase hex length.
const digestHexLength: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

export interface ParsedImage {
  /** The repository with the registry made explicit, e.g. docker.io/library/nginx. */
  repository: string;
  /** The tag; "latest" when neither a tag nor a digest was given (as the kubelet's parser reports it). */
  tag: string;
  digest: string;
}

/** Splits off the registry the way ParseNormalizedNamed does, adding docker.io and library/ when implied. */
function splitDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  let domain: string;
  let remainder: string;
  const first = slash === -1 ? '' : name.slice(0, slash);
  if (slash === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = 'docker.io';
    remainder = name;
  } else {
    domain = first;
    remainder = name.slice(slash + 1);
  }
  if (domain === 'index.docker.io') domain = 'docker.io';
  if (domain === 'docker.io' && !remainder.includes('/')) remainder = `library/${remainder}`;
  return [domain, remainder];
}

/** Parses an image reference; undefined when the kubelet's parser would reject it. */
export function parseImageName(image: string): ParsedImage | undefined {
  if (identifierRegexp.test(image)) return undefined;
  const [domain, remainder] = splitDomain(image);
  const colon = remainder.indexOf(':');
  const remoteName = colon === -1 ? remainder : remainder.slice(0, colon);
  if (remoteName.toLowerCase() !== remoteName) return undefined;
  const match = referenceRegexp.exec(`${domain}/${remainder}`);
  if (!match) return undefined;
  const repository = match[1] ?? '';
  if (repository.length > nameTotalLengthMax) return undefined;
  const tag = match[2] ?? '';
  const digest = match[3] ?? '';
  if (digest !== '') {
    const [algorithm, hex] = digest.split(':') as [string, string];
    const expected = digestHexLength[algorithm];
    if (expected === undefined || hex.length !== expected || !/^[a-f0-9]+$/.test(hex)) return undefined;
  }
  return { repository, tag: tag === '' && digest === '' ? 'latest' : tag, digest };
}

/**
 * The imagePullPolicy the apiserver defaults for an image: Always when the tag is "latest" (which includes no
 * tag and no digest), IfNotPresent otherwise — including digests and references the parser rejects.
 */
export function defaultPullPolicy(image: unknown): 'Always' | 'IfNotPresent' {
  if (typeof image !== 'string') return 'IfNotPresent';
  return parseImageName(image)?.tag === 'latest' ? 'Always' : 'IfNotPresent';
}

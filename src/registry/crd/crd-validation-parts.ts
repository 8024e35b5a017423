// CRD validation of the parts beside the schema: subresources, printer columns, selectable fields, conversion, names.
import { X509Certificate } from 'node:crypto';
import { duplicateCause, forbiddenCause, invalidCause, notSupportedCause, requiredCause, tooManyCause } from '../../meta/field-errors.js';
import { isDNS1035Label, isDNS1123Subdomain, isValidPortNum } from '../../meta/name-validation.js';
import type { StatusCause } from '../../meta/types.js';
import type { CustomResourceColumnDefinition, CustomResourceDefinitionNames, JSONSchemaProps, WebhookClientConfig } from './crd-types.js';
import type { InternalConversion, InternalSpec } from './crd-validation-internal.js';
import { child, index } from './schema/field-path.js';
import { validFieldPath } from './structural-schema-field-path.js';

const printerColumnTypes = ['boolean', 'date', 'integer', 'number', 'string'];
const printerColumnFormats = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
export const maxSelectableFields = 8;
const acceptedConversionReviewVersions = ['v1', 'v1beta1'];

const listOf = <T>(v: T[] | undefined | null): T[] => (Array.isArray(v) ? v : []);

/** upstream validateEnumStrings. */
export function enumCauses(path: string, value: string, accepted: string[]): StatusCause[] {
  if (value === '') return [requiredCause(path)];
  return accepted.includes(value) ? [] : [notSupportedCause(path, value, accepted)];
}

/** upstream ValidateCustomResourceDefinitionNames (spec.names and status.acceptedNames). */
export function namesCauses(names: CustomResourceDefinitionNames | undefined, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const n = names ?? ({} as CustomResourceDefinitionNames);
  const label = (field: string, value: string | undefined, mixedCase = false) => {
    if (!value) return;
    const errs = isDNS1035Label(mixedCase ? value.toLowerCase() : value);
    if (errs.length === 0) return;
    const detail = mixedCase ? `may have mixed case, but should otherwise match: ${errs.join(',')}` : errs.join(',');
    causes.push(invalidCause(child(path, field), value, detail));
  };
  label('plural', n.plural);
  label('singular', n.singular);
  label('kind', n.kind, true);
  label('listKind', n.listKind, true);
  listOf(n.shortNames).forEach((s, i) => {
    const errs = isDNS1035Label(String(s));
    if (errs.length > 0) causes.push(invalidCause(index(child(path, 'shortNames'), i), s, errs.join(',')));
  });
  if (n.kind && n.kind === n.listKind) causes.push(invalidCause(child(path, 'listKind'), n.listKind, 'kind and listKind may not be the same'));
  listOf(n.categories).forEach((c, i) => {
    const errs = isDNS1035Label(String(c));
    if (errs.length > 0) causes.push(invalidCause(index(child(path, 'categories'), i), c, errs.join(',')));
  });
  return causes;
}

function simpleJSONPathCauses(s: string, path: string): StatusCause[] {
  if (s.length === 0) return [invalidCause(path, s, 'must not be empty')];
  if (!s.startsWith('.')) return [invalidCause(path, s, 'must be a simple json path starting with .')];
  return [];
}

/** upstream ValidateCustomResourceDefinitionSubresources (note the dotted `scale.specReplicasPath` child names). */
export function subresourcesCauses(subresources: InternalSpec['subresources'], path: string): StatusCause[] {
  const scale = subresources?.scale;
  if (!scale) return [];
  const causes: StatusCause[] = [];
  const replicas = (value: string | undefined, field: string, prefix: string, detail: string) => {
    const p = child(path, field);
    if (!value) return void causes.push(requiredCause(p));
    const errs = simpleJSONPathCauses(value, p);
    if (errs.length > 0) causes.push(...errs);
    else if (!value.startsWith(prefix)) causes.push(invalidCause(p, value, detail));
  };
  replicas(scale.specReplicasPath, 'scale.specReplicasPath', '.spec.', 'should be a json path under .spec');
  replicas(scale.statusReplicasPath, 'scale.statusReplicasPath', '.status.', 'should be a json path under .status');
  const selector = scale.labelSelectorPath;
  if (selector) {
    const p = child(path, 'scale.labelSelectorPath');
    const errs = simpleJSONPathCauses(selector, p);
    if (errs.length > 0) causes.push(...errs);
    else if (!selector.startsWith('.spec.') && !selector.startsWith('.status.')) {
      causes.push(invalidCause(p, selector, 'should be a json path under either .spec or .status'));
    }
  }
  return causes;
}

/** upstream ValidateCustomResourceColumnDefinition (its JSONPath child is named `JSONPath`, capitalised). */
export function columnCauses(col: CustomResourceColumnDefinition, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!col?.name) causes.push(requiredCause(child(path, 'name')));
  const typeDetail = `must be one of ${printerColumnTypes.join(',')}`;
  if (!col?.type) causes.push(requiredCause(child(path, 'type'), typeDetail));
  else if (!printerColumnTypes.includes(col.type)) causes.push(invalidCause(child(path, 'type'), col.type, typeDetail));
  if (col?.format && !printerColumnFormats.includes(col.format)) {
    causes.push(invalidCause(child(path, 'format'), col.format, `must be one of ${printerColumnFormats.join(',')}`));
  }
  if (!col?.jsonPath) causes.push(requiredCause(child(path, 'JSONPath')));
  else causes.push(...simpleJSONPathCauses(col.jsonPath, child(path, 'JSONPath')));
  return causes;
}

/** upstream ValidateCustomResourceSelectableFields against the version's (structural) schema. */
export function selectableFieldsCauses(fields: { jsonPath: string }[], schema: JSONSchemaProps | undefined, path: string, allowTooMany: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  const unique = new Set<string>();
  fields.forEach((f, i) => {
    const p = child(index(path, i), 'jsonPath');
    const jsonPath = String(f?.jsonPath ?? '');
    if (jsonPath === '') return void causes.push(requiredCause(p));
    let found;
    try {
      found = validFieldPath(jsonPath, schema ?? {}, false);
    } catch (e) {
      return void causes.push(invalidCause(p, jsonPath, `is an invalid path: ${(e as Error).message}`));
    }
    if (found.root === 'metadata') causes.push(invalidCause(p, jsonPath, 'must not point to fields in metadata'));
    if (!['string', 'boolean', 'integer'].includes(found.schema?.type ?? '')) {
      causes.push(invalidCause(p, jsonPath, 'must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.'));
    }
    if (unique.has(found.path)) causes.push(duplicateCause(p, jsonPath));
    else unique.add(found.path);
  });
  if (unique.size > maxSelectableFields && !allowTooMany) causes.push(tooManyCause(path, unique.size, maxSelectableFields));
  return causes;
}

/** upstream validateDeprecationWarning. */
export function deprecationWarningErrors(deprecated: boolean, warning: string | undefined): string[] {
  if (!deprecated && warning !== undefined) return ['can only be set for deprecated versions'];
  if (warning === undefined) return [];
  const errors: string[] = [];
  if (Buffer.byteLength(warning) > 256) errors.push('must be <= 256 characters long');
  if (warning.length === 0) errors.push('must not be an empty string');
  let offset = 0;
  for (const ch of warning) {
    if (/\p{Cc}/u.test(ch)) {
      errors.push(`must only contain printable UTF-8 characters; control character found at index ${offset}`);
      break;
    }
    if (!/[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(ch)) {
      errors.push(`must only contain printable UTF-8 characters; non-printable character found at index ${offset}`);
      break;
    }
    offset += Buffer.byteLength(ch);
  }
  return errors;
}

/** Why a base64 caBundle would not load as root certificates (client-go's TLSConfigFor), or undefined. */
export function caBundleError(caBundle: string): string | undefined {
  const pem = Buffer.from(caBundle, 'base64').toString('latin1');
  if (pem.length === 0) return undefined;
  const blocks = [...pem.matchAll(/-----BEGIN ([^-]+)-----([\s\S]*?)-----END \1-----/g)];
  let loaded = false;
  for (const block of blocks) {
    if (block[1] !== 'CERTIFICATE') continue;
    try {
      new X509Certificate(Buffer.from(block[2]!.replace(/\s+/g, ''), 'base64'));
      loaded = true;
    } catch (e) {
      return `unable to load root certificates: failed to parse certificate: ${(e as Error).message}`;
    }
  }
  if (loaded) return undefined;
  return blocks.length === 0 ? 'unable to load root certificates: unable to parse bytes as PEM block' : 'unable to load root certificates: no valid certificate authority data seen';
}

function webhookURLCauses(path: string, raw: string): StatusCause[] {
  const form = '; desired format: https://host[/path]';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Go's url.Parse accepts nearly anything WHATWG refuses (no scheme, no host): then the host is what is missing.
    const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(raw) ? raw.split(':')[0]!.toLowerCase() : '';
    const causes = scheme === 'https' ? [] : [invalidCause(path, scheme, `'https' is the only allowed URL scheme${form}`)];
    causes.push(invalidCause(path, '', `host must be specified${form}`));
    return causes;
  }
  const causes: StatusCause[] = [];
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'https') causes.push(invalidCause(path, scheme, `'https' is the only allowed URL scheme${form}`));
  if (url.host === '') causes.push(invalidCause(path, url.host, `host must be specified${form}`));
  if (url.username || url.password) {
    causes.push(invalidCause(path, url.password ? `${url.username}:${url.password}` : url.username, 'user information is not permitted in the URL'));
  }
  if (url.hash.length > 1) causes.push(invalidCause(path, decodeURIComponent(url.hash.slice(1)), 'fragments are not permitted in the URL'));
  if (url.search.length > 1) causes.push(invalidCause(path, url.search.slice(1), 'query parameters are not permitted in the URL'));
  return causes;
}

function webhookServiceCauses(path: string, service: NonNullable<WebhookClientConfig['service']>): StatusCause[] {
  const causes: StatusCause[] = [];
  // upstream passes (name, namespace) into a (namespace, name) signature, so each check reads the other field.
  const namespace = service.name ?? '';
  const name = service.namespace ?? '';
  if (name === '') causes.push(requiredCause(child(path, 'name'), 'service name is required'));
  if (namespace === '') causes.push(requiredCause(child(path, 'namespace'), 'service namespace is required'));
  const port = service.port ?? 443;
  const portErrs = isValidPortNum(port);
  if (portErrs.length > 0) causes.push(invalidCause(child(path, 'port'), port, `port is not valid: ${portErrs.join(', ')}`));
  const urlPath = service.path;
  if (urlPath === undefined || urlPath === '/' || urlPath === '') return causes;
  const pathField = child(path, 'path');
  if (urlPath === '//') return [...causes, invalidCause(pathField, urlPath, 'segment[0] may not be empty')];
  if (!urlPath.startsWith('/')) causes.push(invalidCause(pathField, urlPath, "must start with a '/'"));
  let rest = urlPath.slice(1);
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  rest.split('/').forEach((step, i) => {
    if (step === '') return void causes.push(invalidCause(pathField, urlPath, `segment[${i}] may not be empty`));
    for (const failure of isDNS1123Subdomain(step)) causes.push(invalidCause(pathField, urlPath, `segment[${i}]: ${failure}`));
  });
  return causes;
}

function conversionReviewVersionsCauses(versions: string[] | undefined, requireRecognized: boolean, path: string): StatusCause[] {
  const list = listOf(versions);
  if (list.length === 0) return [requiredCause(path)];
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  let accepted = false;
  list.forEach((v, i) => {
    if (seen.has(v)) return void causes.push(invalidCause(index(path, i), v, 'duplicate version'));
    seen.add(v);
    for (const err of isDNS1035Label(v)) causes.push(invalidCause(index(path, i), v, err));
    if (acceptedConversionReviewVersions.includes(v)) accepted = true;
  });
  if (requireRecognized && !accepted) causes.push(invalidCause(path, list, `must include at least one of ${acceptedConversionReviewVersions.join(', ')}`));
  return causes;
}

/** upstream validateCustomResourceConversion over the internal shape (`spec.conversion.webhookClientConfig`). */
export function conversionCauses(
  conversion: InternalConversion | undefined,
  requireRecognized: boolean,
  allowInvalidCABundle: boolean,
  path: string,
): StatusCause[] {
  if (!conversion) return [];
  const causes = enumCauses(child(path, 'strategy'), conversion.strategy, ['None', 'Webhook']);
  const configPath = child(path, 'webhookClientConfig');
  const config = conversion.webhookClientConfig;
  if (conversion.strategy === 'Webhook') {
    if (!config) causes.push(requiredCause(configPath, 'required when strategy is set to Webhook'));
    else {
      const hasURL = config.url !== undefined && config.url !== null;
      const hasService = config.service !== undefined && config.service !== null;
      if (hasURL === hasService) causes.push(requiredCause(configPath, 'exactly one of url or service is required'));
      else if (hasURL) causes.push(...webhookURLCauses(child(configPath, 'url'), config.url!));
      else causes.push(...webhookServiceCauses(child(configPath, 'service'), config.service!));
      if (config.caBundle && !allowInvalidCABundle) {
        const err = caBundleError(config.caBundle);
        if (err) causes.push(invalidCause(child(configPath, 'caBundle'), config.caBundle, err));
      }
    }
    causes.push(...conversionReviewVersionsCauses(conversion.conversionReviewVersions, requireRecognized, child(path, 'conversionReviewVersions')));
  } else {
    if (config) causes.push(forbiddenCause(configPath, 'should not be set when strategy is not set to Webhook'));
    if (listOf(conversion.conversionReviewVersions).length > 0) {
      causes.push(forbiddenCause(child(path, 'conversionReviewVersions'), 'should not be set when strategy is not set to Webhook'));
    }
  }
  return causes;
}

/** Whether the review versions name one the server understands, or are empty (the update ratchet). */
export function hasValidConversionReviewVersionOrEmpty(versions: string[] | undefined): boolean {
  const list = listOf(versions);
  return list.length === 0 || list.some((v) => acceptedConversionReviewVersions.includes(v));
}

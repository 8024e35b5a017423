// Schema validation of custom resources: kube-openapi's checks as field errors, then embedded resources and list types.
import {
  invalidCause,
  notSupportedCause,
  goJSON,
  requiredCause,
  tooLongCause,
  tooManyCause,
  typeInvalidCause,
} from '../../../meta/field-errors.js';
import type { StatusCause } from '../../../meta/types.js';
import type { JSONSchemaProps } from '../crd-types.js';
import { validateEmbeddedResources } from './embedded-resource.js';
import { nilPath } from './field-path.js';
import { goMapOrder, isJsonObject } from './go-values.js';
import { validateListSetsAndMaps } from './list-type.js';
import { openApiErrors, type OpenApiError } from './openapi-validator.js';

/** apiextensions' conversion of one kube-openapi error to a field.Error (kubeOpenAPIResultToFieldErrors). */
function toCause(e: OpenApiError): StatusCause {
  // Plain errors (anyOf/oneOf/allOf/not, range conversions) carry no path: Go prints the nil path.
  if (e.code === undefined) return invalidCause(nilPath, '', e.message);
  const field = e.name && e.name !== '.' ? e.name.replace(/^\./, '') : nilPath;
  const value = e.value === undefined ? '' : goMapOrder(e.value);
  switch (e.code) {
    case 'Required':
      return requiredCause(field);
    case 'Enum': {
      const values = (e.values ?? []).map((v) => (typeof v === 'string' ? v : goJSON(goMapOrder(v))));
      // a nil value prints as "null", as field.Error does for nil
      return notSupportedCause(field, e.value === undefined ? 'null' : goMapOrder(e.value), values);
    }
    case 'TooLong':
      return tooLongCause(field, e.valid ?? -1);
    case 'MaxItems':
    case 'TooManyProperties':
      return tooManyCause(field, typeof e.value === 'number' ? e.value : -1, e.valid ?? -1);
    case 'InvalidType':
      return typeInvalidCause(field, value, e.message);
    default:
      return invalidCause(field, value, e.message);
  }
}

/** Every schema violation of a custom resource (not metadata name rules, not CEL rules), as upstream's 422 causes. */
export function validateCustomResource(schema: JSONSchemaProps, object: unknown): StatusCause[] {
  const causes = openApiErrors(schema, object).map(toCause);
  causes.push(...validateEmbeddedResources(schema, object));
  if (isJsonObject(object)) causes.push(...validateListSetsAndMaps(undefined, schema, object));
  return causes;
}

// The strategy of a custom resource version: upstream's customResourceStrategy and statusStrategy in one.
import { cel, schemaHasCelRules } from '../../cel/cel-loader.js';
import { invalidCause } from '../../meta/field-errors.js';
import type { KubeObject, StatusCause } from '../../meta/types.js';
import type { Strategy } from '../strategy.js';
import type { CustomResourceDefinitionVersion, JSONSchemaProps } from './crd-types.js';
import { customResourceScale, scaleCauses } from './custom-resource-scale.js';
import { customResourceTable, printed } from './custom-resource-table.js';
import { parseJsonPath } from './json-path.js';
import { applySchemaDefaults } from './schema/defaulting.js';
import { nilPath } from './schema/field-path.js';
import { validateCustomResource } from './schema/validate.js';

/** Errors after which upstream does not run CEL rules: the object is too malformed for them to mean anything. */
const blockingReasons = new Set(['FieldValueNotSupported', 'FieldValueRequired', 'FieldValueTooLong', 'FieldValueTooMany', 'FieldValueTypeInvalid']);

const celSkipped = 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

export function customResourceStrategy(version: CustomResourceDefinitionVersion, schema: JSONSchemaProps | undefined): Strategy {
  const statusSubresource = !!version.subresources?.status;
  const scalePaths = version.subresources?.scale;
  const selectable = (version.selectableFields ?? []).map((f) => ({
    name: f.jsonPath.replace(/^\./, ''),
    path: parseJsonPath(f.jsonPath),
  }));
  const withCel = schemaHasCelRules(schema);
  return {
    tracksGeneration: true,
    // Without a status subresource, status is as much the user's as spec: its changes bump the generation too.
    generationCountsStatus: !statusSubresource,
    // The generic pipeline would set `status: {}`; upstream drops the status instead (below), or keeps it.
    keepsStatusOnCreate: true,
    unstructured: true,
    applyDefaults: schema ? (object) => applySchemaDefaults(schema, object) : undefined,
    prepareForCreate(object) {
      if (statusSubresource) delete object.status;
    },
    prepareForUpdate(object) {
      // A /status write without a status removes it, as upstream's status strategy copies the body's absence too.
      if (object.status === undefined) delete object.status;
    },
    validate(object, old, subresource) {
      const causes: StatusCause[] = [];
      if (schema) causes.push(...validateCustomResource(schema, object));
      if (scalePaths) causes.push(...scaleCauses(scalePaths, object, subresource !== 'status'));
      if (withCel) causes.push(...celCauses(schema!, object, old, causes));
      return causes;
    },
    selectableFieldNames: selectable.map((f) => f.name),
    selectableFields(object: KubeObject) {
      const fields: Record<string, string> = {};
      for (const field of selectable) {
        const found = field.path.find(object);
        fields[field.name] = found.length > 0 && found[0] !== null && found[0] !== undefined ? printed(found[0]) : '';
      }
      return fields;
    },
    table: customResourceTable(version.additionalPrinterColumns),
    scale: scalePaths ? customResourceScale(scalePaths) : undefined,
  };
}

function celCauses(schema: JSONSchemaProps, object: KubeObject, old: KubeObject | undefined, found: readonly StatusCause[]): StatusCause[] {
  if (found.some((c) => blockingReasons.has(c.reason ?? ''))) return [invalidCause(nilPath, 'null', celSkipped)];
  return cel().validateCelRules(schema, object, old);
}

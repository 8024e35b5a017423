// The opaque CEL types Kubernetes adds (kubernetes.Quantity, net.URL, net.IP, net.CIDR, optional_type) as protobuf messages @bufbuild/cel can carry.
import { create, createFileRegistry, type DescMessage } from '@bufbuild/protobuf';
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorSetSchema,
} from '@bufbuild/protobuf/wkt';
import { reflect, type ReflectMessage } from '@bufbuild/protobuf/reflect';
import { objectType, type CelObjectType, type CelValue } from '@bufbuild/cel';

// Each message holds one canonical string so CEL's message equality is the value equality upstream defines.
function opaqueMessage(name: string) {
  return {
    name,
    field: [
      {
        name: 'value',
        number: 1,
        type: FieldDescriptorProto_Type.STRING,
        label: FieldDescriptorProto_Label.OPTIONAL,
        jsonName: 'value',
      },
    ],
  };
}

export const celTypeRegistry = createFileRegistry(
  create(FileDescriptorSetSchema, {
    file: [
      { name: 'kubefake/kubernetes.proto', package: 'kubernetes', syntax: 'proto3', messageType: [opaqueMessage('Quantity')] },
      {
        name: 'kubefake/net.proto',
        package: 'net',
        syntax: 'proto3',
        messageType: [opaqueMessage('URL'), opaqueMessage('IP'), opaqueMessage('CIDR')],
      },
      { name: 'kubefake/optional.proto', package: '', syntax: 'proto3', messageType: [opaqueMessage('optional_type')] },
    ],
  }),
);

function messageDesc(typeName: string): DescMessage {
  const desc = celTypeRegistry.getMessage(typeName);
  if (!desc) throw new Error(`missing CEL type ${typeName}`);
  return desc;
}

const quantityDesc = messageDesc('kubernetes.Quantity');
const urlDesc = messageDesc('net.URL');
const ipDesc = messageDesc('net.IP');
const cidrDesc = messageDesc('net.CIDR');
const optionalDesc = messageDesc('optional_type');

export const QUANTITY: CelObjectType = objectType(quantityDesc);
export const URL_TYPE: CelObjectType = objectType(urlDesc);
export const IP_TYPE: CelObjectType = objectType(ipDesc);
export const CIDR_TYPE: CelObjectType = objectType(cidrDesc);
export const OPTIONAL: CelObjectType = objectType(optionalDesc);

function opaque(desc: DescMessage, value: string): ReflectMessage {
  return reflect(desc, create(desc, { value } as never));
}

/** The canonical string an opaque value carries. */
export function opaqueText(value: CelValue): string {
  return String((value as ReflectMessage).get((value as ReflectMessage).desc.fields[0]!));
}

export const makeQuantity = (canonical: string): ReflectMessage => opaque(quantityDesc, canonical);
export const makeUrl = (text: string): ReflectMessage => opaque(urlDesc, text);
export const makeIp = (text: string): ReflectMessage => opaque(ipDesc, text);
export const makeCidr = (text: string): ReflectMessage => opaque(cidrDesc, text);

// An optional's payload is any CEL value, which a proto field cannot hold; it lives beside the message.
// The message's field holds "none" or a counter so two optionals compare by payload identity only when both are set.
const optionalPayloads = new WeakMap<object, CelValue>();

export function optionalOf(value: CelValue): ReflectMessage {
  const message = create(optionalDesc, { value: 'some' } as never);
  optionalPayloads.set(message, value);
  return reflect(optionalDesc, message);
}

export function optionalNone(): ReflectMessage {
  return opaque(optionalDesc, 'none');
}

/** The payload of an optional, or undefined for optional.none(). */
export function optionalValue(optional: CelValue): CelValue | undefined {
  return optionalPayloads.get((optional as ReflectMessage).message);
}

export function isOpaque(value: unknown, type: CelObjectType): value is ReflectMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    'desc' in value &&
    (value as ReflectMessage).desc?.typeName === type.name
  );
}

// What an authorizer decides on (upstream authorizer.Attributes); src/api/authorization-attributes.ts derives them from HTTP requests.
import type { UserInfo } from '../user-info.js';

interface CommonAttributes {
  user: UserInfo;
  verb: string;
}

/** A request for an API resource: the verb on group/resource[/subresource] (name and namespace when it has them). */
export interface ResourceAttributes extends CommonAttributes {
  resourceRequest: true;
  group: string;
  /** `*` when a review leaves it out. */
  version: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** Anything else (discovery, /version, health, /kubefake/v1 control): the lowercased HTTP method on the path. */
export interface NonResourceAttributes extends CommonAttributes {
  resourceRequest: false;
  path: string;
}

export type AuthorizationAttributes = ResourceAttributes | NonResourceAttributes;

// Unit tests of the duplicate-key scan used by fieldValidation.
import { duplicateFields } from './duplicate-fields.js';

test.each([
  ['{"a":1,"b":2}', []],
  ['{"a":1,"a":2}', ['a']],
  ['{"metadata":{"name":"x","name":"y"}}', ['metadata.name']],
  ['{"spec":{"containers":[{"name":"a"},{"name":"b","image":"i","image":"j"}]}}', ['spec.containers[1].image']],
  ['{"a":"x\\"a\\":","a":1}', ['a']],
  ['{"a":{"b":1},"c":{"b":2}}', []],
  ['{"l":[[{"k":1,"k":2}]]}', ['l[0][0].k']],
  [' { "a" : 1 , "a" : 2 } ', ['a']],
])('%s', (text, expected) => {
  expect(duplicateFields(text)).toEqual(expected);
});

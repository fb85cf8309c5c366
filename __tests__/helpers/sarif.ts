/**
 * Validates a SARIF log against the OASIS SARIF 2.1.0 JSON schema (draft-04), the copy that the
 * @microsoft/jest-sarif package ships.
 */
import Ajv from 'ajv-draft-04';

const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

let validate: ReturnType<Ajv['compile']> | undefined;

/** The schema errors of a log ([] when it is valid SARIF 2.1.0). */
export function sarifErrors(log: unknown): string[] {
  if (!validate) {
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
    validate = ajv.compile(schema);
  }
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

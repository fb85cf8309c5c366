// Types of the validator scripts/build-schema.js generates (ajv standalone code).
declare function validate(data: unknown): boolean;
declare namespace validate {
  let errors: unknown[] | null | undefined;
}
export = validate;

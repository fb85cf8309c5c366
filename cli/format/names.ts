/** Output formats of `ums-ha validate` (shared/spec cli.md). */
export const VALIDATE_FORMATS = ['text', 'json', 'github', 'sarif'] as const;
export type ValidateFormat = (typeof VALIDATE_FORMATS)[number];

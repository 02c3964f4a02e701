// Bounds of a render. The bounds of a template item (methods, header count, lengths, timeout
// range) are the template model's: TemplateLimits in src/template-model.ts, through the contract.

/** Rendered output beyond this is refused: it could not fit in a Lambda request anyway. */
export const MAX_RENDERED_CHARS = 6 * 1024 * 1024;

// Sane bounds for a template item, checked before anything is rendered or sent.

export const HTTP_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Methods sent without a body, whatever the template says. */
export const BODYLESS_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

export const MAX_HEADERS = 100;
export const MAX_URL_TEMPLATE_CHARS = 8 * 1024;
export const MAX_HEADER_TEMPLATE_CHARS = 8 * 1024;
/** DynamoDB items are at most 400 KB, so a larger payload template cannot come from the table. */
export const MAX_PAYLOAD_TEMPLATE_CHARS = 400 * 1024;
/** Rendered output beyond this is refused: it could not fit in a Lambda request anyway. */
export const MAX_RENDERED_CHARS = 6 * 1024 * 1024;
export const MIN_TIMEOUT_MS = 1;
/** Lambda's own maximum run time. */
export const MAX_TIMEOUT_MS = 15 * 60 * 1000;

/** RFC 9110 token: what a header name may contain. */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

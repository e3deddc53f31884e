// Secret-shaped text removed from anything we log, store or answer that came from outside
// (a request URL, an upstream's error message): API keys, JWTs, bearer credentials, and the
// value of any parameter or field whose name says it is secret. Known secrets (a tenant's own
// client secret or token) are removed by value as well (scrubSecrets).
export const REDACTED = '[redacted]';

const SECRET_NAME = String.raw`[\w.-]*(?:key|token|secret|password|passwd|auth|credential|signature|session)[\w.-]*`;

const PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  // name=value in a query string, form body or free text (name containing key, token, ...).
  [new RegExp(String.raw`(^|[?&;\s,(])(${SECRET_NAME})=([^&\s#;,)]*)`, 'gi'), `$1$2=${REDACTED}`],
  // "name": "value" in JSON (escaped quotes inside the value included).
  [new RegExp(String.raw`("${SECRET_NAME}"\s*:\s*)"(?:[^"\\]|\\.)*"`, 'gi'), `$1"${REDACTED}"`],
  // name: value in free text ("client_secret: abc").
  [new RegExp(String.raw`(\b${SECRET_NAME}\s*:\s*)(?!\s*")([^\s,;&]+)`, 'gi'), `$1${REDACTED}`],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/\bb1r_[A-Za-z0-9_-]+/g, `b1r_${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED],
];

/** Removes secret-shaped substrings. Cheap enough for a log line: a few linear regex passes. */
export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A request URL for a log line: the path as is, secret-shaped parts of the query (and path) redacted. */
export function redactUrl(url: string): string {
  // Most URLs have nothing to hide: skip the regexes for them.
  return /[?=]|b1r_|eyJ/.test(url) ? redactText(url) : url;
}

/** Every occurrence of each known secret (also URL- and JSON-encoded), then the patterns. */
export function scrubSecrets(text: string, secrets: ReadonlyArray<string | undefined | null>): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const form of new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])) {
      out = out.split(form).join(REDACTED);
    }
  }
  return redactText(out);
}

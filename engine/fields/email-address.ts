/**
 * E-mail addresses: a pragmatic subset of RFC 5322 (addr-spec with a dot-atom local
 * part and a DNS domain). Quoted local parts, comments and IP-literal domains are
 * valid in the RFC but are almost always typing mistakes in a form, so they are refused.
 */

/** RFC 5322 atext: the characters allowed in an unquoted local part. */
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
/** RFC 1035 label: letters, digits and inner hyphens, at most 63 characters. */
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Top-level domain: letters, or an IDN in punycode form (xn--...). */
const TOP_LEVEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * The address with its domain in lower case (domains are case-insensitive, RFC 4343;
 * the local part is kept as typed because the RFC leaves its case to the receiving
 * server), or null when invalid.
 */
export function normaliseEmailAddress(text: string): string | null {
  const trimmed = text.trim();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0) return null;
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1).toLowerCase();
  // RFC 5321 limits: 64 characters for the local part, 254 for the whole path.
  if (local.length > 64 || trimmed.length > 254) return null;
  if (!LOCAL_PART.test(local)) return null;
  const labels = domain.split('.');
  if (labels.length < 2) return null;
  if (!labels.every((label) => DOMAIN_LABEL.test(label))) return null;
  const topLevel = labels[labels.length - 1] ?? '';
  if (!TOP_LEVEL.test(topLevel)) return null;
  return `${local}@${domain}`;
}

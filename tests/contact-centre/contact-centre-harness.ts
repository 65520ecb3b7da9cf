/** Shared helpers of the contact-centre tests: the demo users of the new roles, and NISS arithmetic. */
import { ApiClient } from '../api/api-harness';

export const CONTACT_CENTRE_PASSWORDS: Record<string, string> = {
  line1: 'line1-demo',
  line2: 'line2-demo',
  supervisor: 'supervisor-demo',
  expert: 'expert-demo',
};

/** Logs in one of the contact-centre demo users (line1 fr, line2 nl, supervisor fr, expert nl). */
export function contactCentreUser(baseUrl: string, username: keyof typeof CONTACT_CENTRE_PASSWORDS & string): Promise<ApiClient> {
  return new ApiClient(baseUrl).login(username, CONTACT_CENTRE_PASSWORDS[username]);
}

/** A national number with correct check digits (engine/fields/niss.ts), for a birth date and sequence. */
export function nissFor(year: number, month: number, day: number, sequence: number): string {
  const nine = `${String(year % 100).padStart(2, '0')}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${String(sequence).padStart(3, '0')}`;
  const base = year >= 2000 ? 2_000_000_000 + Number(nine) : Number(nine);
  return `${nine}${String(97 - (base % 97)).padStart(2, '0')}`;
}

export const DOMAIN = 'commune.example.brussels';

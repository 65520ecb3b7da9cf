/**
 * The National Register (Registre national / Rijksregister), read-only: who a national number
 * belongs to. The real adapter goes through the commune's access to the register (BOSA / FSB
 * service, authorised by the sectoral committee); the demo adapter reads a CSV of fictitious
 * people (adapters/registry-national-demo).
 *
 * @example
 *   const person = await register.lookup('85073003328');   // 11 digits, already checked
 *   if (person) console.log(person.lastName, person.address?.city);
 */
import type { Address } from '../../engine/fields';

export interface NationalRegisterPerson {
  /** The 11 digits, without separators. */
  niss: string;
  firstName: string;
  lastName: string;
  /** 'YYYY-MM-DD', or null when the register does not know the full date. */
  birthDate: string | null;
  /** The main residence, or null when the register has none (e.g. a bis number). */
  address: Address | null;
  /** The language of the administrative file (fr or nl in Brussels), null when unknown. */
  language: 'fr' | 'nl' | null;
}

export interface NationalRegisterPort {
  /**
   * The person with this national (or bis) number, or null when the register does not know it.
   * Throws when the register cannot be reached: a missing person and an outage are different.
   */
  lookup(niss: string): Promise<NationalRegisterPerson | null>;
}

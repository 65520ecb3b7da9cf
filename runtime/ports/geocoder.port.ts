/**
 * Geocoding: where an address is on the map (TR-44, the dossier's map). The shipped adapter
 * speaks Nominatim's search protocol (adapters/geocoder-nominatim) and caches answers in SQLite.
 *
 * @example
 *   const place = await geocoder.locate({ street: 'Rue Haute', number: '12', postalCode: '1000', city: 'Bruxelles', country: 'BE' });
 *   if (place) console.log(place.lat, place.lon);
 */
import type { Address } from '../../engine/fields';

export interface GeoPoint {
  lat: number;
  lon: number;
  /** The place as the geocoder names it. */
  label: string;
}

/** The geocoder could not answer (down, too slow, an unreadable answer): not "no such address". */
export class GeocoderUnavailable extends Error {}

export interface GeocoderPort {
  /** The address's place, or null when the geocoder does not know it. Throws GeocoderUnavailable. */
  locate(address: Address): Promise<GeoPoint | null>;
  close(): void;
}

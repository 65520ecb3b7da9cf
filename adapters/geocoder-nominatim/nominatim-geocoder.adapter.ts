/**
 * A geocoder over Nominatim's search API (https://nominatim.org/release-docs/latest/api/Search/):
 * GET <url>?q=<address>&format=jsonv2&limit=1&countrycodes=be → [{ lat: "50.84", lon: "4.35", display_name }].
 *
 * Each address is asked once: answers, "not found" included, are kept in a SQLite file (found
 * places for good, misses for `missTtlMs`, since the map data gets corrected). Failures are not
 * kept, so the next view asks again. Requests are spaced by `minIntervalMs` (the public
 * service allows one per second) and identical questions in flight are asked once.
 */
import Database from 'better-sqlite3';
import type { Address } from '../../engine/fields';
import { GeocoderUnavailable, type GeoPoint, type GeocoderPort } from '../../runtime/ports/geocoder.port';

export interface NominatimOptions {
  /** The search endpoint, e.g. https://nominatim.openstreetmap.org/search. */
  url: string;
  /** SQLite file of the cache. */
  cacheFile: string;
  timeoutMs: number;
  minIntervalMs: number;
  /** Nominatim's usage policy asks for an identifying User-Agent. */
  userAgent: string;
  /** How long a "not found" is believed; default 7 days. */
  missTtlMs?: number;
  clock?: () => number;
}

/** The one-line question for an address: "Rue Haute 12, 1000 Bruxelles, BE". */
export function addressQuery(a: Address): string {
  return [[a.street, a.number].filter(Boolean).join(' '), [a.postalCode, a.city].filter(Boolean).join(' '), a.country || 'BE']
    .map((s) => s.trim().replace(/\s+/g, ' '))
    .filter(Boolean)
    .join(', ');
}

export function openNominatimGeocoder(options: NominatimOptions): GeocoderPort {
  const clock = options.clock ?? Date.now;
  const missTtlMs = options.missTtlMs ?? 7 * 24 * 3_600_000;
  const db = new Database(options.cacheFile);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE IF NOT EXISTS geocode_cache (query TEXT PRIMARY KEY, found INTEGER NOT NULL, lat REAL, lon REAL, label TEXT, at INTEGER NOT NULL) WITHOUT ROWID');
  const get = db.prepare<[string], { found: number; lat: number | null; lon: number | null; label: string | null; at: number }>('SELECT found, lat, lon, label, at FROM geocode_cache WHERE query = ?');
  const put = db.prepare('INSERT OR REPLACE INTO geocode_cache (query, found, lat, lon, label, at) VALUES (?, ?, ?, ?, ?, ?)');
  const inFlight = new Map<string, Promise<GeoPoint | null>>();
  let nextSlot = 0;

  /** Waits for this request's turn, so that requests leave at most one per `minIntervalMs`. */
  const turn = async (): Promise<void> => {
    const now = clock();
    const at = Math.max(now, nextSlot);
    nextSlot = at + options.minIntervalMs;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  };

  const ask = async (query: string, countryCode: string): Promise<GeoPoint | null> => {
    await turn();
    const url = new URL(options.url);
    url.searchParams.set('q', query);
    url.searchParams.set('format', 'jsonv2');
    url.searchParams.set('limit', '1');
    if (/^[A-Za-z]{2}$/.test(countryCode)) url.searchParams.set('countrycodes', countryCode.toLowerCase());
    let body: unknown;
    try {
      const res = await fetch(url, { headers: { 'User-Agent': options.userAgent, Accept: 'application/json' }, signal: AbortSignal.timeout(options.timeoutMs) });
      if (!res.ok) throw new GeocoderUnavailable(`geocoder answered HTTP ${res.status}`);
      body = await res.json();
    } catch (e) {
      if (e instanceof GeocoderUnavailable) throw e;
      throw new GeocoderUnavailable(`geocoder unreachable: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!Array.isArray(body)) throw new GeocoderUnavailable('geocoder answer is not a list of places');
    const first: unknown = body[0];
    if (first === undefined) {
      put.run(query, 0, null, null, null, clock());
      return null;
    }
    const place = first as Record<string, unknown>;
    const lat = Number(place['lat']);
    const lon = Number(place['lon']);
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) throw new GeocoderUnavailable('geocoder answer has no valid lat/lon');
    const label = typeof place['display_name'] === 'string' ? place['display_name'] : query;
    put.run(query, 1, lat, lon, label, clock());
    return { lat, lon, label };
  };

  return {
    locate: async (address) => {
      const query = addressQuery(address);
      const cached = get.get(query);
      if (cached && cached.found === 1 && cached.lat !== null && cached.lon !== null) return { lat: cached.lat, lon: cached.lon, label: cached.label ?? query };
      if (cached && cached.found === 0 && clock() - cached.at < missTtlMs) return null;
      const running = inFlight.get(query);
      if (running) return running;
      const p = ask(query, address.country || 'BE').finally(() => inFlight.delete(query));
      inFlight.set(query, p);
      return p;
    },
    close: () => db.close(),
  };
}

/**
 * Where a record is on the map (TR-44: the company's registered office on the dossier screen):
 *
 *   GET /api/records/:id/location[?field=<address field>]
 *       → 200 {lat, lon, label, address, zoom, tileUrl, attribution, osmUrl}
 *       The record's first address field (or the one named) geocoded server-side through a
 *       Nominatim-protocol endpoint (GEOCODER_URL), each address asked once (SQLite cache in
 *       DATA_DIR). tileUrl / attribution are the configured map tiles (MAP_TILE_URL,
 *       MAP_ATTRIBUTION), which the CSP allows as images.
 *       422 no address field / no address on the record; 404 address not found on the map;
 *       503 geocoder down or too slow (or GEOCODER_URL empty). Needs the right to read the record.
 */
import { join } from 'node:path';
import type { Request } from 'express';
import type { Address } from '../../engine/fields';
import type { LocalizedText } from '../../engine/errors';
import { openNominatimGeocoder } from '../../adapters/geocoder-nominatim';
import { GeocoderUnavailable, type GeocoderPort } from '../ports/geocoder.port';
import { HttpError } from './http-errors';
import type { Mount, MountContext } from './mounts';
import { isRecord } from './request-helpers';

const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });

/** The zoom the panel shows: streets and house blocks. */
export const MAP_ZOOM = 17;

function actorOfRequest(req: Request): { id: string; roles: string[] } {
  const user = (req as Request & { user?: { id: string; roles: string[] } }).user;
  if (!user) throw new HttpError(401, 'unauthenticated', text('Connectez-vous d’abord.', 'Meld u eerst aan.', 'Log in first.'));
  return { id: user.id, roles: user.roles };
}

/** An address value complete enough to be looked up, or null. */
function addressOf(v: unknown): Address | null {
  if (!isRecord(v)) return null;
  const part = (k: string) => (typeof v[k] === 'string' ? (v[k] as string).trim() : '');
  const a: Address = { street: part('street'), number: part('number'), postalCode: part('postalCode'), city: part('city'), country: part('country') || 'BE' };
  return a.street && (a.postalCode || a.city) ? a : null;
}

export const locationMount: Mount = {
  api: (api, ctx: MountContext) => {
    // Opened on first use: a server whose map is never shown creates no cache file.
    let geocoder: GeocoderPort | null = null;
    const geocoderOf = (): GeocoderPort => {
      if (geocoder) return geocoder;
      const opened = openNominatimGeocoder({
        url: ctx.config.geocoderUrl,
        cacheFile: join(ctx.config.dataDir, 'geocode-cache.sqlite'),
        timeoutMs: ctx.config.geocoderTimeoutMs,
        minIntervalMs: ctx.config.geocoderMinIntervalMs,
        userAgent: 'civic-flow (commune census map)',
        clock: ctx.clock,
      });
      // The cache file is closed with the server, not left to the process exit.
      ctx.onClose?.(() => opened.close());
      geocoder = opened;
      return opened;
    };

    api.get('/records/:id/location', async (req: Request, res) => {
      const actor = actorOfRequest(req);
      const view = ctx.runtime.records.get(actor, String(req.params['id']));
      const fields = ctx.runtime.packs.pack(view.packVersion).records[view.recordType]?.fields ?? {};
      const addressFields = Object.entries(fields).filter(([, f]) => f.type === 'address').map(([name]) => name);
      const asked = typeof req.query['field'] === 'string' && req.query['field'] ? req.query['field'] : null;
      if (asked !== null && !addressFields.includes(asked)) {
        throw new HttpError(422, 'validation-failed', text(`« ${asked} » n’est pas un champ d’adresse de ce dossier.`, `"${asked}" is geen adresveld van dit dossier.`, `"${asked}" is not an address field of this record.`), { field: 'field' });
      }
      const field = asked ?? addressFields[0];
      if (!field) throw new HttpError(422, 'no-address-field', text('Ce type de dossier n’a pas d’adresse à situer sur une carte.', 'Dit soort dossier heeft geen adres om op een kaart te tonen.', 'This kind of record has no address to show on a map.'));
      const address = addressOf(view.fields[field]);
      if (!address) {
        throw new HttpError(422, 'no-address', text('Ce dossier n’a pas encore d’adresse (rue et code postal ou commune) : complétez-la pour voir la carte.', 'Dit dossier heeft nog geen adres (straat en postcode of gemeente): vul het aan om de kaart te zien.', 'This record has no address yet (street and postal code or city): fill it in to see the map.'), { field });
      }
      if (!ctx.config.geocoderUrl) throw new HttpError(503, 'map-disabled', text('La carte n’est pas configurée (GEOCODER_URL).', 'De kaart is niet ingesteld (GEOCODER_URL).', 'The map is not configured (GEOCODER_URL).'));
      let place;
      try {
        place = await geocoderOf().locate(address);
      } catch (e) {
        if (!(e instanceof GeocoderUnavailable)) throw e;
        ctx.log('geocoder unavailable', e);
        throw new HttpError(503, 'geocoder-unavailable', text('Le service de cartographie ne répond pas pour le moment : réessayez plus tard.', 'De kaartdienst antwoordt op dit moment niet: probeer het later opnieuw.', 'The map service is not answering right now: try again later.'));
      }
      const shown = `${address.street} ${address.number}`.trim() + `, ${address.postalCode} ${address.city}`.trimEnd();
      if (!place) {
        throw new HttpError(404, 'address-not-found', text(`Adresse introuvable sur la carte : « ${shown} ». Vérifiez la rue, le numéro et le code postal.`, `Adres niet gevonden op de kaart: "${shown}". Controleer de straat, het huisnummer en de postcode.`, `Address not found on the map: "${shown}". Check the street, number and postal code.`), { field });
      }
      res.json({
        lat: place.lat, lon: place.lon, label: place.label, address: shown, field, zoom: MAP_ZOOM,
        tileUrl: ctx.config.mapTileUrl, attribution: ctx.config.mapAttribution,
        osmUrl: `https://www.openstreetmap.org/?mlat=${place.lat}&mlon=${place.lon}#map=${MAP_ZOOM}/${place.lat}/${place.lon}`,
      });
    });
  },
};

/**
 * The registered office on a small map (TR-44), without a map library: the server geocodes the
 * record's address (GET /api/records/:id/location) and names the tile server; the panel shows
 * the 3×3 tiles around the place at zoom 17 with a marker in the middle, the attribution the
 * tile server requires, and a link to open the place in OpenStreetMap.
 * Shown only for record types with an address field.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/client';
import type { RecordType, RecordView } from '../api/types';

interface Location {
  lat: number;
  lon: number;
  label: string;
  address: string;
  zoom: number;
  tileUrl: string;
  attribution: string;
  osmUrl: string;
}

const TILE = 256;
const VIEW_HEIGHT = 240;

/** The slippy-map tile under a point, with the point's position inside it (OSM's tile numbering). */
export function tileOf(lat: number, lon: number, zoom: number): { x: number; y: number; px: number; py: number } {
  const n = 2 ** zoom;
  const latRad = (lat * Math.PI) / 180;
  const xf = ((lon + 180) / 360) * n;
  const yf = ((1 - Math.log(Math.tan(latRad) + 1 / Math.cos(latRad)) / Math.PI) / 2) * n;
  const x = Math.floor(xf);
  const y = Math.floor(yf);
  return { x, y, px: (xf - x) * TILE, py: (yf - y) * TILE };
}

function tileSrc(template: string, z: number, x: number, y: number): string {
  return template.replace('{s}', 'abc'[(x + y) % 3] ?? 'a').replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y));
}

export function MapPanel({ record, rt }: { record: RecordView; rt: RecordType | undefined }) {
  const { t } = useTranslation('agent');
  const hasAddressField = Object.values(rt?.fields ?? {}).some((f) => f.type === 'address');
  const [location, setLocation] = useState<Location | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The address as it is now: the map follows an edit of the registered office.
  const addressKey = JSON.stringify(Object.entries(rt?.fields ?? {}).filter(([, f]) => f.type === 'address').map(([name]) => record.fields[name] ?? null));

  useEffect(() => {
    if (!hasAddressField) return;
    let live = true;
    setError(null);
    api<Location>('GET', `/records/${encodeURIComponent(record.id)}/location`)
      .then((l) => { if (live) setLocation(l); })
      .catch((e: unknown) => {
        if (!live) return;
        setLocation(null);
        setError(e instanceof ApiError ? e.message : t('error.generic'));
      });
    return () => { live = false; };
  }, [record.id, addressKey, hasAddressField, t]);

  if (!hasAddressField) return null;
  return (
    <section className="panel record-map" aria-labelledby="map-title" data-testid="map">
      <h2 id="map-title">{t('map.title')}</h2>
      {error ? (
        <p className="value-muted" data-testid="map-error">{error}</p>
      ) : !location ? (
        <p role="status">{t('loading')}</p>
      ) : (
        <MapTiles location={location} />
      )}
    </section>
  );
}

function MapTiles({ location: l }: { location: Location }) {
  const { t } = useTranslation('agent');
  const { x, y, px, py } = tileOf(l.lat, l.lon, l.zoom);
  const n = 2 ** l.zoom;
  const tiles: Array<{ key: string; src: string; left: number; top: number }> = [];
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const ty = y + dy;
      if (ty < 0 || ty >= n) continue;
      const tx = (((x + dx) % n) + n) % n;
      tiles.push({ key: `${dx},${dy}`, src: tileSrc(l.tileUrl, l.zoom, tx, ty), left: (dx + 1) * TILE, top: (dy + 1) * TILE });
    }
  }
  // The grid is moved so that the place (in the middle tile) is at the centre of the view.
  const offsetX = TILE + px;
  const offsetY = TILE + py;
  return (
    <figure className="map-figure" style={{ margin: 0 }}>
      <div
        className="map-view"
        role="img"
        aria-label={t('map.alt', { address: l.address })}
        style={{ position: 'relative', overflow: 'hidden', height: VIEW_HEIGHT, width: '100%', background: '#e5e3df', borderRadius: 4 }}
      >
        <div style={{ position: 'absolute', width: TILE * 3, height: TILE * 3, left: `calc(50% - ${offsetX.toFixed(1)}px)`, top: VIEW_HEIGHT / 2 - offsetY }}>
          {tiles.map((tile) => (
            <img key={tile.key} src={tile.src} alt="" width={TILE} height={TILE} draggable={false} referrerPolicy="no-referrer" data-testid="map-tile" style={{ position: 'absolute', left: tile.left, top: tile.top, maxWidth: 'none' }} />
          ))}
        </div>
        <span
          aria-hidden="true"
          data-testid="map-marker"
          style={{ position: 'absolute', left: '50%', top: '50%', width: 18, height: 18, marginLeft: -9, marginTop: -18, borderRadius: '50% 50% 50% 0', transform: 'rotate(-45deg)', background: '#c0392b', border: '2px solid #fff', boxShadow: '0 0 2px #000' }}
        />
      </div>
      <figcaption>
        <p className="value-muted" style={{ margin: '.25rem 0' }}>{l.address}</p>
        <p style={{ margin: '.25rem 0', fontSize: '.85em' }}>{t('map.attribution', { attribution: l.attribution })}</p>
        <p style={{ margin: '.25rem 0' }}>
          <a href={l.osmUrl} target="_blank" rel="noopener noreferrer">{t('map.open')}</a>
        </p>
      </figcaption>
    </figure>
  );
}

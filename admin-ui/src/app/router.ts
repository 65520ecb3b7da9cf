import { useEffect, useState } from 'react';

/** Hash routes: the server serves one page, and a reload keeps the place. */
export type Route =
  | { name: 'home' }
  | { name: 'list'; recordType: string; queue?: string; view?: string }
  | { name: 'queue'; queue: string }
  | { name: 'record'; id: string }
  | { name: 'new'; recordType: string; desk?: string }
  | { name: 'studio'; file?: string }
  | { name: 'census-import' }
  | { name: 'census-signatures' }
  | { name: 'census-inspections'; from?: string; district?: string }
  | { name: 'census-onyx' }
  | { name: 'census-figures' }
  | { name: 'census-registered-mail' }
  | { name: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const [pathPart, query = ''] = (hash.replace(/^#/, '') || '/').split('?');
  const path = pathPart ?? '/';
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { name: 'home' };
  if (parts[0] === 'records' && parts[1] && parts[2] === 'new') {
    const desk = params.get('desk');
    return desk ? { name: 'new', recordType: parts[1], desk } : { name: 'new', recordType: parts[1] };
  }
  if (parts[0] === 'records' && parts[1]) {
    const view = params.get('view');
    return view ? { name: 'list', recordType: parts[1], view } : { name: 'list', recordType: parts[1] };
  }
  if (parts[0] === 'census' && parts[1] === 'import') return { name: 'census-import' };
  if (parts[0] === 'census' && parts[1] === 'signatures') return { name: 'census-signatures' };
  if (parts[0] === 'census' && parts[1] === 'onyx') return { name: 'census-onyx' };
  if (parts[0] === 'census' && parts[1] === 'figures') return { name: 'census-figures' };
  if (parts[0] === 'census' && parts[1] === 'registered-mail') return { name: 'census-registered-mail' };
  if (parts[0] === 'census' && parts[1] === 'inspections') {
    const from = params.get('from');
    const district = params.get('district');
    return { name: 'census-inspections', ...(from ? { from } : {}), ...(district ? { district } : {}) };
  }
  if (parts[0] === 'queues' && parts[1]) return { name: 'queue', queue: parts[1] };
  if (parts[0] === 'record' && parts[1]) return { name: 'record', id: parts[1] };
  if (parts[0] === 'studio') return parts[1] ? { name: 'studio', file: parts.slice(1).join('/') } : { name: 'studio' };
  return { name: 'not-found', path };
}

export function href(route: Route): string {
  switch (route.name) {
    case 'home': return '#/';
    case 'list': return `#/records/${encodeURIComponent(route.recordType)}${route.view ? `?view=${encodeURIComponent(route.view)}` : ''}`;
    case 'census-import': return '#/census/import';
    case 'census-signatures': return '#/census/signatures';
    case 'census-onyx': return '#/census/onyx';
    case 'census-figures': return '#/census/figures';
    case 'census-registered-mail': return '#/census/registered-mail';
    case 'census-inspections': {
      const q = new URLSearchParams();
      if (route.from) q.set('from', route.from);
      if (route.district) q.set('district', route.district);
      const qs = q.toString();
      return `#/census/inspections${qs ? `?${qs}` : ''}`;
    }
    case 'queue': return `#/queues/${encodeURIComponent(route.queue)}`;
    case 'record': return `#/record/${encodeURIComponent(route.id)}`;
    case 'new': return `#/records/${encodeURIComponent(route.recordType)}/new${route.desk ? `?desk=${encodeURIComponent(route.desk)}` : ''}`;
    case 'studio': return route.file ? `#/studio/${route.file.split('/').map(encodeURIComponent).join('/')}` : '#/studio';
    case 'not-found': return '#/';
  }
}

export function navigate(route: Route): void {
  window.location.hash = href(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(() => parseRoute(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

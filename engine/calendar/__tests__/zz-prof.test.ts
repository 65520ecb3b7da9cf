import { zoneFor } from '../time-zone';
import { addBusinessDuration, parseIsoDuration } from '..';
it('profiles', () => {
  const z = zoneFor('Europe/Brussels');
  for (let i = 0; i < 1000; i++) z.offsetAt(Date.UTC(2026, 0, 1) + i * 3600e3);
  let t = performance.now(); let s = 0;
  for (let i = 0; i < 100000; i++) s += z.offsetAt(Date.UTC(2026, 0, 1) + (i % 8000) * 3600e3);
  console.log('offsetAt ns', (performance.now() - t) * 10, s > 0);
  t = performance.now();
  for (let i = 0; i < 100000; i++) s += z.wallToUtc(Date.UTC(2026, 0, 1) + (i % 8000) * 3600e3, 'transition');
  console.log('wallToUtc ns', (performance.now() - t) * 10);
  const cal = { timezone: 'Europe/Brussels', hours: { mon: [['08:30','12:30'],['13:30','17:00']] as Array<[string,string]> }, holidays: [] };
  const d = parseIsoDuration('PT2000H');
  for (let i = 0; i < 100; i++) addBusinessDuration(Date.UTC(2026,0,5) + i*60000, d, cal);
  t = performance.now();
  for (let i = 0; i < 200; i++) addBusinessDuration(Date.UTC(2026,0,5) + i*60000, d, cal);
  console.log('mon-only PT2000H ms', (performance.now() - t) / 200);
});

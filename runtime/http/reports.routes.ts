/**
 * The census figures (TR-24, TR-47), for tax managers and admins, under /api:
 *
 *   GET /api/reports/census?from=YYYY-MM-DD&to=YYYY-MM-DD&by=month|quarter|year
 *       → {from, to, by, timeZone, periods: [...], totals, arrears} (see census-figures.ts)
 *   GET /api/reports/census.xlsx?…  the same figures as a workbook: one sheet of periods
 *       (headers in French and Dutch), one of the companies with arrears
 *
 * `from` defaults to 1 January of this year, `to` to today, `by` to month (Brussels dates).
 * 422 for a bad date, a reversed or over-long range, an unknown bucket; 403 for other roles.
 */
import type { Request } from 'express';
import ExcelJS from 'exceljs';
import { isAdmin } from '../../engine/access';
import type { LocalizedText } from '../../engine/errors';
import { censusFigures, civilDateOf, isCivilDate, type CensusFigures, type DossierFacts, type FiguresBucket } from '../services/census-figures';
import { actorOfRequest } from './app';
import type { Mount, MountContext } from './mounts';
import { bilingualError } from './request-helpers';

const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });
const REPORT_ROLES = new Set(['tax-manager']);
/** The census dossier's record type in the pack. */
const CENSUS_RECORD = 'dossier';
const MAX_YEARS = 20;
const PAGE = 2000;

interface FiguresQuery {
  from: string;
  to: string;
  by: FiguresBucket;
}

function queryOf(req: Request, today: string): FiguresQuery {
  const str = (name: string): string | undefined => {
    const v = req.query[name];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const from = str('from') ?? `${today.slice(0, 4)}-01-01`;
  const to = str('to') ?? today;
  const by = str('by') ?? 'month';
  for (const [name, v] of [['from', from], ['to', to]] as const) {
    if (!isCivilDate(v)) {
      throw bilingualError(422, 'validation-failed', text(
        `« ${name} » doit être une date AAAA-MM-JJ (reçu : ${v.slice(0, 40)}).`,
        `"${name}" moet een datum JJJJ-MM-DD zijn (ontvangen: ${v.slice(0, 40)}).`,
        `"${name}" must be a date YYYY-MM-DD (got: ${v.slice(0, 40)}).`,
      ), { field: name });
    }
  }
  if (by !== 'month' && by !== 'quarter' && by !== 'year') {
    throw bilingualError(422, 'validation-failed', text(
      '« by » vaut month (mois), quarter (trimestre) ou year (année).',
      '"by" is month (maand), quarter (kwartaal) of year (jaar).',
      '"by" is month, quarter or year.',
    ), { field: 'by' });
  }
  if (from > to) {
    throw bilingualError(422, 'validation-failed', text(
      `La période commence (${from}) après sa fin (${to}).`,
      `De periode begint (${from}) na het einde ervan (${to}).`,
      `The range starts (${from}) after it ends (${to}).`,
    ), { field: 'from' });
  }
  if (Number(to.slice(0, 4)) - Number(from.slice(0, 4)) >= MAX_YEARS) {
    throw bilingualError(422, 'validation-failed', text(
      `Au plus ${MAX_YEARS} ans à la fois.`,
      `Hoogstens ${MAX_YEARS} jaar tegelijk.`,
      `At most ${MAX_YEARS} years at a time.`,
    ), { field: 'to' });
  }
  return { from, to, by };
}

function figuresFor(ctx: MountContext, req: Request): CensusFigures {
  const actor = actorOfRequest(req);
  const { pack } = ctx.runtime.packs.active();
  if (!isAdmin(pack, actor.roles) && !actor.roles.some((r) => REPORT_ROLES.has(r))) {
    throw bilingualError(403, 'forbidden', text(
      'Seuls les responsables du service Taxes et les administrateurs consultent les chiffres du recensement.',
      'Alleen de verantwoordelijken van de dienst Belastingen en de beheerders raadplegen de cijfers van de telling.',
      'Only tax managers and admins see the census figures.',
    ));
  }
  if (!pack.records[CENSUS_RECORD]) {
    throw bilingualError(404, 'not-found', text('Ce pack n’a pas de dossiers de recensement.', 'Dit pakket heeft geen tellingsdossiers.', 'This pack has no census dossiers.'));
  }
  const timeZone = pack.manifest.timezone;
  const q = queryOf(req, civilDateOf(new Date(ctx.clock()).toISOString(), timeZone) ?? '1970-01-01');
  const store = ctx.runtime.store;
  // Read page by page: the whole register is never in memory as rows, only as what is summed.
  function* dossiers(): Generator<DossierFacts> {
    for (let offset = 0; ; offset += PAGE) {
      const { rows } = store.listInstances({ recordTypes: [CENSUS_RECORD], filters: {}, sort: 'createdAt', direction: 'asc', limit: PAGE, offset });
      for (const row of rows) {
        yield { id: row.id, title: row.title, createdAt: row.createdAt, status: row.status, fields: row.snapshot.context.fields, history: store.getHistory(row.id) };
      }
      if (rows.length < PAGE) return;
    }
  }
  return censusFigures(dossiers(), { ...q, timeZone });
}

const COLUMNS: Array<{ header: string; width: number; value: (p: CensusFigures['periods'][number]) => string | number }> = [
  { header: 'Période / Periode', width: 12, value: (p) => p.period },
  { header: 'Du / Van', width: 12, value: (p) => p.from },
  { header: 'Au / Tot', width: 12, value: (p) => p.to },
  { header: 'Dossiers créés / Aangemaakte dossiers', width: 18, value: (p) => p.created },
  { header: 'Ouverts / Open', width: 10, value: (p) => p.byStatus.open },
  { header: 'En attente / In afwachting', width: 14, value: (p) => p.byStatus.pending },
  { header: 'Clôturés / Afgesloten', width: 12, value: (p) => p.byStatus.closed },
  { header: 'Contrôles sur place / Controles ter plaatse', width: 18, value: (p) => p.fieldVisits },
  { header: 'Recommandés envoyés / Aangetekende zendingen', width: 18, value: (p) => p.lettersSent },
  { header: 'Retours en retard / Laattijdige terugzendingen', width: 18, value: (p) => p.lateReturns },
  { header: 'Fausses déclarations / Valse aangiften', width: 18, value: (p) => p.falseDeclarations.count },
  { header: 'Montant fausses déclarations / Bedrag valse aangiften', width: 20, value: (p) => p.falseDeclarations.amount },
  { header: 'Taxes enrôlées / Ingekohierde belastingen', width: 18, value: (p) => p.taxesSet.count },
  { header: 'Montant enrôlé / Ingekohierd bedrag', width: 18, value: (p) => p.taxesSet.amount },
  { header: 'Paiements reçus / Ontvangen betalingen', width: 18, value: (p) => p.taxesReceived.count },
  { header: 'Montant reçu / Ontvangen bedrag', width: 18, value: (p) => p.taxesReceived.amount },
];
const MONEY_COLUMNS = new Set([12, 14, 16]);

export const reportsMount: Mount = {
  api: (api, ctx) => {
    api.get('/reports/census', (req: Request, res) => {
      res.json(figuresFor(ctx, req));
    });

    api.get('/reports/census.xlsx', async (req: Request, res) => {
      const figures = figuresFor(ctx, req);
      res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(`census-${figures.from}-${figures.to}-${figures.by}.xlsx`)}`);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: true, useSharedStrings: false });
      const ws = wb.addWorksheet('Chiffres - Cijfers', { views: [{ state: 'frozen', ySplit: 1 }] });
      ws.columns = COLUMNS.map((c) => ({ header: c.header, width: c.width }));
      ws.getRow(1).font = { bold: true };
      ws.getRow(1).commit();
      const rows = [...figures.periods, { period: 'Total / Totaal', from: figures.from, to: figures.to, ...figures.totals }];
      for (const p of rows) {
        const r = ws.addRow(COLUMNS.map((c) => c.value(p)));
        for (const i of MONEY_COLUMNS) r.getCell(i).numFmt = '#,##0.00';
        r.commit();
      }
      ws.commit();
      const arrears = wb.addWorksheet('Arriérés - Achterstallen');
      arrears.columns = [
        { header: 'Dénomination / Benaming', width: 36 },
        { header: "Numéro d'entreprise / Ondernemingsnummer", width: 22 },
        { header: 'Arriérés / Achterstallen', width: 16 },
        { header: 'Dossier', width: 28 },
      ];
      arrears.getRow(1).font = { bold: true };
      arrears.getRow(1).commit();
      for (const a of figures.arrears.companies) {
        const r = arrears.addRow([a.name, a.enterpriseNumber, a.amount, a.recordId]);
        r.getCell(3).numFmt = '#,##0.00';
        r.commit();
      }
      arrears.commit();
      await wb.commit();
    });
  },
};

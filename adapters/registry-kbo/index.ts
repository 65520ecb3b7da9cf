/** KBO/BCE Open Data: a local lookup of Belgian enterprises from the public CSV extract. */
export { KboImportError, KboStore, KBO_COLUMNS, entityDigits, kboDatabasePath, normaliseForSearch, openKboStore } from './kbo-store.adapter';
export type { KboAddress, KboEnterprise, KboImportProblem, KboImportResult, KboProgress, KboTable, KboText } from './kbo-store.adapter';
export { readCsvHeader, readCsvRows } from './csv-stream';

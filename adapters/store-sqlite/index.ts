export { openSqliteStore, type SqliteStoreOptions } from './store-sqlite.adapter';

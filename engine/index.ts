/** The pure domain: packs, expressions, compiler, instance stepping, calendars, fields, access. */
export * from './errors';
export * from './pack';
export * from './expressions';
export * from './compiler';
export * from './instance';
export * from './access';
export * as calendar from './calendar';
export * as fields from './fields';
export * from './routing';

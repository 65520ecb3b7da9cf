export * from './pack-types';
export { loadPack, fileKind, type LoadResult } from './load-pack';
export { collectStates, RESERVED_EVENTS } from './semantic-checks';
export { PROBLEM_CODES, problemText } from './pack-messages';
export { recordLinks, type RecordLink } from './links';

export * from './engine-errors';

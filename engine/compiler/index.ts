export * from './compile-process';
export * from './instance-types';

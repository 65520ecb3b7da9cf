export * from './step-instance';

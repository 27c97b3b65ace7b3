export * from './core';
export * from './rate';
export * from './instant';
export * from './allocation';
export * from './pool';

export * from './random.js';
export * from './dataset.js';
export * from './http-kit.js';
export * from './pax8.js';
export * from './panelone.js';
export * from './write-faults.js';
export * from './pax8-writes.js';
export * from './panelone-billing.js';

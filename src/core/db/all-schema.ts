// Every table, for drizzle's relational queries. Capabilities add their schema.ts here.
export * from './schema.js';
export * from '../../attendance/schema.js';
export * from '../../reports/schema.js';
export * from '../../qr/schema.js';
export * from '../../questions/schema.js';
export * from '../../announcements/schema.js';

import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  // The shared schema plus every capability's own schema.ts.
  schema: ['./src/core/db/schema.ts', './src/*/schema.ts'],
  out: './migrations',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/sis' },
});

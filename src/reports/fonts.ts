// Moved to core (every capability draws Khmer text): src/core/render/fonts.ts.
export * from '../core/render/fonts.js';

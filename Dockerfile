# Multi-stage: dependencies are installed once from the lockfile; the runtime image holds only
# production dependencies, the sources, migrations and texts. TypeScript runs through tsx.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json drizzle.config.ts ./
COPY src ./src
COPY migrations ./migrations
COPY locales ./locales
USER node
EXPOSE 8080
# all | bot | worker
CMD ["node", "--import", "tsx", "src/main.ts", "all"]

# Production image: build with the dev toolchain, run on a slim Node 20 with the PostgreSQL client tools.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY commands ./commands
COPY jobs ./jobs
COPY cli ./cli
# npm ci builds dist/ (prepare) and links the embedded PostgreSQL's libraries (its approved install script).
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
# pg_dump/pg_restore for backups and restore drills. Debian's postgresql-client follows Debian's server version; for
# newer servers install postgresql-client-<major> from the PGDG repository (pg_dump must be >= the server's major).
RUN apt-get update \
  && apt-get install -y --no-install-recommends postgresql-client ca-certificates tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json manifest.yml ./
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# tini forwards SIGTERM to node, which stops taking work, stops the scheduler, marks in-flight runs, closes pools.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/cli/main.js", "serve"]
STOPSIGNAL SIGTERM

# Production image: build with the dev toolchain, run on a slim Node 22 LTS with the PostgreSQL client tools.
# PG_MAJOR is the client's major: docker-compose.yml runs the same major, as pg_dump must be >= its server's.
ARG PG_MAJOR=15
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY commands ./commands
COPY jobs ./jobs
COPY cli ./cli
# npm ci builds dist/ (prepare) and links the embedded PostgreSQL's libraries (its approved install script).
RUN npm ci && npm prune --omit=dev

FROM node:22-bookworm-slim
ARG PG_MAJOR
# pg_dump/pg_restore for backups and restore drills. Bookworm ships the major 15 client; for a newer server install
# postgresql-client-<major> from the PGDG repository and raise PG_MAJOR in both files (pg_dump must be >= the server).
RUN apt-get update \
  && apt-get install -y --no-install-recommends postgresql-client-${PG_MAJOR} ca-certificates tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json manifest.yml ./
# `opsbot backup opsbot`, `opsbot audit verify` and the rest work in `docker compose exec opsbot opsbot …`.
RUN chmod +x dist/cli/main.js && ln -s /app/dist/cli/main.js /usr/local/bin/opsbot
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# tini forwards SIGTERM to node, which stops taking work, stops the scheduler, marks in-flight runs, closes pools.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["opsbot", "serve"]
STOPSIGNAL SIGTERM

# syntax=docker/dockerfile:1
# Build: compile TypeScript with the full dev toolchain.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY engines ./engines
COPY demo ./demo
COPY bench ./bench
COPY console ./console
RUN npm run build

# Runtime: production dependencies only, non-root, the image's own Node 24.
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY --from=build /app/console/index.html /app/console/style.css /app/console/favicon.svg ./console/
COPY --from=build /app/console/dist ./console/dist
COPY config/switchyard.yaml ./config/switchyard.yaml
RUN mkdir -p /app/config /app/.switchyard && chown -R node:node /app/config /app/.switchyard
USER node
EXPOSE 8080 9901
# The ops listener defaults to 127.0.0.1; in a container it must listen on all interfaces to be scraped.
ENV ADMIN_HOST=0.0.0.0
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=2s CMD node -e "fetch('http://127.0.0.1:9901/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# V8 semi-spaces of 16 MiB and old space grown to 2x what survived: RSS under load stays under 200 MiB
# without a collector that never stops marking (docs/decisions.md, "Node memory flags").
CMD ["node", "--max-semi-space-size=16", "--heap-growing-percent=100", "dist/src/main.js"]

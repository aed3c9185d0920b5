# caseflag as a service: `caseflag serve` by default; the same image runs `caseflag worker`.
# Two stages: the build stage compiles TypeScript, builds the rule cache and the jieba index
# (dist/rules-cache.json, dist/jieba-index.bin) and the native modules; the runtime stage has
# only what `npm pack` would ship plus production node_modules, and runs as the unprivileged
# `node` user. CI builds nothing here: test/e2e/image.test.ts runs the entry command on the
# files this runtime stage copies.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# re2 and nodejieba compile from source when no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.scripts.json ./
COPY bin bin
COPY rules rules
COPY schema schema
COPY scripts scripts
COPY src src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/rules ./rules
COPY --from=build /app/schema ./schema
COPY --from=build /app/src/keywords ./src/keywords
USER node
EXPOSE 8080
# Without tokens the server refuses 0.0.0.0: give CASEFLAG_TOKENS (or --tokens FILE) at run time.
ENTRYPOINT ["node", "bin/caseflag.js"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]

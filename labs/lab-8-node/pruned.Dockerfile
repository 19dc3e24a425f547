# after, with node_modules pruned too: the tests, docs, source maps and type
# declarations its packages ship are deleted in the deps stage. The app never
# reads them, and its self-check still passes.
FROM node:26-trixie AS build

WORKDIR /app
COPY app/package.json app/package-lock.json ./
RUN npm ci
COPY app/tsconfig.json ./
COPY app/src/ src/
RUN npm run build

# The production dependencies alone, from the same lock file; npm's cache
# stays in this stage.
FROM node:26-trixie-slim AS deps
WORKDIR /app
COPY app/package.json app/package-lock.json ./
RUN npm ci --omit=dev \
    && find node_modules \( -name '*.map' -o -name '*.d.ts' -o -name '*.md' \
        -o -name '*.markdown' \) -type f -delete \
    && find node_modules -depth -type d \( -name test -o -name tests \
        -o -name __tests__ -o -name docs -o -name example -o -name examples \) \
        -exec rm -rf {} +

FROM node:26-trixie-slim
WORKDIR /app
COPY app/package.json ./
COPY --from=deps /app/node_modules node_modules/
COPY --from=build /app/dist/server.js dist/
USER node
EXPOSE 8080
ENTRYPOINT ["node", "dist/server.js"]

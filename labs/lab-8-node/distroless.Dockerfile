# after, on distroless nodejs: node and its libraries only, no npm, no shell.
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
RUN npm ci --omit=dev

FROM gcr.io/distroless/nodejs26-debian13
WORKDIR /app
COPY app/package.json ./
COPY --from=deps /app/node_modules node_modules/
COPY --from=build /app/dist/server.js dist/
USER 65532:65532
EXPOSE 8080
# distroless nodejs's ENTRYPOINT is node alone; name the script in it, so that
# arguments (such as --self-check) go to the app
ENTRYPOINT ["/nodejs/bin/node", "dist/server.js"]

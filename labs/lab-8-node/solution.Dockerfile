# Multi-stage: build with every dependency in one stage, then install only the
# production ones in a stage of their own, and ship those and the built
# JavaScript on the slim image.
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

FROM node:26-trixie-slim
WORKDIR /app
COPY app/package.json ./
COPY --from=deps /app/node_modules node_modules/
COPY --from=build /app/dist/server.js dist/
USER node
EXPOSE 8080
ENTRYPOINT ["node", "dist/server.js"]

# One stage on the slim image: npm ci from the lock file, the build, then the
# dev dependencies pruned and npm's cache cleaned, all in one RUN so that no
# layer keeps them.
FROM node:26-trixie-slim

WORKDIR /app
COPY app/package.json app/package-lock.json app/tsconfig.json ./
COPY app/src/ src/
RUN npm ci \
    && npm run build \
    && npm prune --omit=dev \
    && npm cache clean --force

USER node
EXPOSE 8080
ENTRYPOINT ["node", "dist/server.js"]

# One stage on the full Node image: npm install brings the dev dependencies
# (TypeScript and the type declarations), its cache stays in /root/.npm, and
# the TypeScript source, source maps and declarations ship with the app.
FROM node:26-trixie

WORKDIR /app
COPY app/ .
RUN npm install
RUN npm run build

EXPOSE 8080
ENTRYPOINT ["node", "dist/server.js"]

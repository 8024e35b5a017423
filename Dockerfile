# kubefake in a container: built in one stage, run from production dependencies and dist/ only, as the node user.
# test/e2e/container-command.test.ts runs this file's ENTRYPOINT, CMD, ENV and HEALTHCHECK outside Docker.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
# --ignore-scripts: `prepare` would build before src/ is here; the build runs below, once.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY src ./src
COPY scripts ./scripts
RUN npm run build

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# No TypeScript here: --ignore-scripts skips `prepare` (a build), and no production dependency needs an install script.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY openapi ./openapi
COPY proto ./proto
COPY policy ./policy
COPY NOTICE ./
COPY --from=build /app/dist ./dist
# The kubeconfig goes to a volume a job can mount or `docker cp` from; it names http://127.0.0.1:6443 unless
# KUBEFAKE_ADVERTISE_ADDRESS (or --advertise-address) says how clients outside reach the container.
RUN mkdir /kubeconfig && chown node:node /kubeconfig
VOLUME /kubeconfig
# Settings as environment variables, not CMD flags: `docker run image --nodes 1` replaces CMD, and these must stay.
ENV KUBEFAKE_HOST=0.0.0.0 \
    KUBEFAKE_KUBECONFIG=/kubeconfig/config
USER node
EXPOSE 6443
# No curl in slim images: node asks /readyz over https (certificate not checked) and http at once, so the check holds
# with and without --tls. KUBEFAKE_LISTEN_PORT is honoured when set instead of --port.
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "const port = Number(process.env.KUBEFAKE_LISTEN_PORT || 6443); const ask = (m) => new Promise((ok, no) => require(m).get({ host: '127.0.0.1', port, path: '/readyz', rejectUnauthorized: false, timeout: 2000 }, (r) => (r.resume(), r.statusCode === 200 ? ok() : no())).on('error', no).on('timeout', no)); Promise.any([ask('https'), ask('http')]).then(() => process.exit(0), () => process.exit(1));"]
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["serve"]

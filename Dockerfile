# kubefake in a container: the same command as `npm start`, listening on all interfaces.
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY openapi ./openapi
COPY proto ./proto
RUN npm ci --no-audit --no-fund && npm prune --omit=dev
EXPOSE 6443
CMD ["npm", "start", "--", "--host", "0.0.0.0", "--port", "6443", "--kubeconfig", "/tmp/kubeconfig"]

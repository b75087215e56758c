# syntax=docker/dockerfile:1
# Intake page: built with Node, served by an unprivileged nginx that also proxies the API.
# Build context is the repository root:
#   docker build -f docker/frontend.Dockerfile -t intake-frontend .

# ---- build -------------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS build

WORKDIR /src/frontend
# The lock file first, so a source change reuses the installed packages.
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# ---- serve -------------------------------------------------------------------------------------
FROM nginxinc/nginx-unprivileged:1.27-alpine AS serve

COPY docker/nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /src/frontend/dist /usr/share/nginx/html

# The base image already runs as uid 101; stated here so the image says so itself.
USER 101
EXPOSE 8080

# The Faultline collector as a sidecar image (Node 24). Build it from the tarball a release packs:
#   pnpm build && node release/pack.mjs && cp release/out/faultline-collector-*.tgz faultline-collector.tgz
#   docker build -t faultline-collector .
#   docker run -e FAULTLINE_TOKEN=... -v faultline-data:/data -p 8318:8318 -p 4318:4318 -p 4317:4317 faultline-collector
# Every step below is run by release/test/install-smoke.test.ts (CI has no container runtime): the
# same install, environment, command and health probe, outside a container.
# better-sqlite3 fetches its prebuilt binary for Node 24 during the install; where the build cannot
# reach GitHub, add `RUN apt-get update && apt-get install -y python3 make g++` before it so SQLite
# compiles from source instead.
FROM node:24-slim

COPY faultline-collector.tgz /tmp/faultline-collector.tgz
RUN npm install --global --no-audit --no-fund /tmp/faultline-collector.tgz

# Traces live on the volume; the image runs as the unprivileged `node` user of the base image.
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
WORKDIR /data

# Other containers reach it only beyond loopback, so it listens on every interface and will not start
# there without FAULTLINE_TOKEN. A sidecar that shares its pod's loopback can set FAULTLINE_HOST=127.0.0.1
# instead (no token needed, nothing outside the pod reaches it).
ENV FAULTLINE_HOST=0.0.0.0 \
    FAULTLINE_DB=/data/faultline.db
EXPOSE 8318 4318 4317

# The probe asks over loopback, which works whichever address the collector binds.
HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.FAULTLINE_PORT || 8318) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["sh", "-c", "case \"$FAULTLINE_HOST\" in 127.*|localhost|::1) ;; *) if [ -z \"$FAULTLINE_TOKEN\" ]; then echo \"faultline: listening on $FAULTLINE_HOST needs a token: set FAULTLINE_TOKEN (or FAULTLINE_HOST=127.0.0.1 in a pod)\" >&2; exit 2; fi ;; esac; exec faultline"]
